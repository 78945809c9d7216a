// Keeping a session key in a browser, safely by default.
//
// What is persisted (localStorage, IndexedDB, any key-value store): one record per account
// holding the key's encrypted envelope and its public data only — account, public key,
// validUntil. Anyone who reads the store (an XSS payload, a browser extension, a backup)
// gets an envelope to guess the PIN of, never a usable key.
//
// What is unlocked (memory only): `unlock` decrypts the envelope once and hands back an
// UnlockedSession that keeps the private key in a closure until the first of: validUntil
// (a timer, and a clock check on every use), `lock()`, or `remove()` of the record (log
// out). Dropping the reference is all JavaScript allows — strings cannot be wiped — so the
// key's lifetime in memory is the page's or the session's, whichever ends first.
import { ec } from "starknet";
import { decryptPrivateKey } from "../crypto/encryption.ts";
import { SessionError } from "../errors.ts";
import { parseAddress, parsePrivateKey, parsePublicKey } from "../utils/keys.ts";

/**
 * The subset of the Web Storage API the store needs: `localStorage` and `sessionStorage`
 * fit as they are; an IndexedDB or extension-storage wrapper may return promises.
 */
export interface StorageLike {
  getItem(key: string): string | null | undefined | Promise<string | null | undefined>;
  setItem(key: string, value: string): void | Promise<void>;
  removeItem(key: string): void | Promise<void>;
}

/** What the store persists for an account: public data and the encrypted envelope, nothing else. */
export interface StoredSession {
  /** 0x + 64 hex digits. */
  accountAddress: string;
  publicKey: string;
  /** Unix seconds, as registered on the account. */
  validUntil: number;
  /** The v2 envelope `createSessionKey` returned (scrypt + AES-256-GCM, JSON). */
  encryptedPrivateKey: string;
}

export interface CreateSessionStoreParameters {
  /** Where records go: `localStorage` for the safe default, `createMemoryStorage()` to persist nothing. */
  storage: StorageLike;
  /** Prefix of the storage keys, one record per account under it (default `"session-account:"`). */
  keyPrefix?: string;
  /** Clock in unix seconds for expiry (default: this machine's clock). */
  now?: () => number;
}

export interface UnlockSessionParameters {
  accountAddress: string;
  /** The PIN or passphrase the envelope was encrypted under. */
  encryptKey: string;
  /** Called once when the key is forgotten: at validUntil, on `lock()` or on `remove()`. */
  onLock?: (reason: "expired" | "locked" | "removed") => void;
}

/** A decrypted session key held in memory only, until validUntil, `lock()` or `remove()`. */
export interface UnlockedSession {
  readonly accountAddress: string;
  readonly publicKey: string;
  readonly validUntil: number;
  /** False once the key is forgotten (also false from validUntil on, timer or not). */
  readonly isUnlocked: boolean;
  /**
   * The `session` parameter for `executeTransactionWithSession` and the other actions.
   * Throws SESSION_EXPIRED from validUntil on, and INVALID_INPUT once locked.
   */
  sessionKey(): { privateKey: string; validUntil: number };
  /** Forgets the private key now. The stored envelope stays: `unlock` again with the PIN. */
  lock(): void;
}

export interface SessionStore {
  /** Persists a record; refuses anything but a v2 envelope, and an expired validUntil. */
  save(record: StoredSession): Promise<void>;
  /** The account's record, or undefined when there is none or it expired (an expired record is removed). */
  load(accountAddress: string): Promise<StoredSession | undefined>;
  /**
   * Decrypts the account's envelope (one scrypt, ~0.2–0.5 s) and checks it holds the
   * record's key. Throws SESSION_DECRYPTION_FAILED on a wrong secret or a mismatched
   * envelope, SESSION_EXPIRED past validUntil, INVALID_INPUT when nothing is stored.
   */
  unlock(parameters: UnlockSessionParameters): Promise<UnlockedSession>;
  /** Log out: locks every session unlocked from this store for the account, and deletes its record. */
  remove(accountAddress: string): Promise<void>;
}

const RECORD_VERSION = 1;
const RECORD_FIELDS = ["v", "accountAddress", "publicKey", "validUntil", "encryptedPrivateKey"].sort().join();
const ENVELOPE_FIELDS = ["v", "kdf", "N", "r", "p", "salt", "iv", "ciphertext"].sort().join();
/** setTimeout's longest delay (~24.8 days); sessions may last 30 days, so the timer re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function invalid(message: string, cause?: unknown): SessionError {
  return new SessionError("INVALID_INPUT", message, cause === undefined ? {} : { cause });
}

function checked<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw invalid((error as Error).message, error);
  }
}

const address = (value: string) => checked(() => parseAddress(value, "accountAddress"));

/** Only a v2 envelope with exactly its fields: never a key in clear, nor anything next to it. */
function isEnvelope(text: unknown): text is string {
  if (typeof text !== "string") return false;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const envelope = value as Record<string, unknown>;
  return Object.keys(envelope).sort().join() === ENVELOPE_FIELDS && envelope.v === 2 && envelope.kdf === "scrypt" && [envelope.salt, envelope.iv, envelope.ciphertext].every((field) => typeof field === "string");
}

function isValidUntil(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0;
}

/** A Map-backed StorageLike: persists nothing beyond the page (or process). */
export function createMemoryStorage(): StorageLike {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, String(value)),
    removeItem: (key) => void items.delete(key),
  };
}

/**
 * A store for session keys: persists only the encrypted envelope and public data, and
 * unlocks the private key into memory for the session's lifetime.
 *
 * @example
 * const store = createSessionStore({ storage: localStorage });
 * const key = await createSessionKey({ encryptKey: pin, allowWeakSecret: true, durationSeconds: 3_600 });
 * await store.save({ accountAddress, publicKey: key.publicKey, validUntil: key.validUntil, encryptedPrivateKey: key.encryptedPrivateKey });
 * const unlocked = await store.unlock({ accountAddress, encryptKey: pin });
 * await executeTransactionWithSession({ provider, accountAddress, session: unlocked.sessionKey(), calls });
 * await store.remove(accountAddress); // log out: forgets the key and deletes the record
 */
export function createSessionStore({ storage, keyPrefix = "session-account:", now = () => Math.floor(Date.now() / 1000) }: CreateSessionStoreParameters): SessionStore {
  if (typeof storage?.getItem !== "function" || typeof storage.setItem !== "function" || typeof storage.removeItem !== "function") {
    throw invalid("storage must have getItem, setItem and removeItem (localStorage, sessionStorage or an equivalent)");
  }
  const unlocked = new Map<string, Set<(reason: "removed") => void>>();
  const storageKey = (account: string) => `${keyPrefix}${account}`;

  async function read(account: string): Promise<StoredSession | undefined> {
    const text = await storage.getItem(storageKey(account));
    if (text === null || text === undefined) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = undefined;
    }
    const record = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
    const wellFormed =
      Object.keys(record).sort().join() === RECORD_FIELDS &&
      record.v === RECORD_VERSION &&
      record.accountAddress === account &&
      typeof record.publicKey === "string" &&
      isValidUntil(record.validUntil) &&
      isEnvelope(record.encryptedPrivateKey);
    if (!wellFormed) throw invalid(`the record stored under ${JSON.stringify(storageKey(account))} is not a session record; remove it`);
    return { accountAddress: account, publicKey: record.publicKey as string, validUntil: record.validUntil as number, encryptedPrivateKey: record.encryptedPrivateKey as string };
  }

  async function remove(accountAddress: string): Promise<void> {
    const account = address(accountAddress);
    for (const forget of unlocked.get(account) ?? []) forget("removed");
    unlocked.delete(account);
    await storage.removeItem(storageKey(account));
  }

  return {
    async save(record) {
      const account = address(record.accountAddress);
      const publicKey = checked(() => parsePublicKey(record.publicKey, "publicKey"));
      if (!isValidUntil(record.validUntil)) throw invalid("validUntil must be a unix time in seconds (a positive integer)");
      if (record.validUntil <= now()) throw new SessionError("SESSION_EXPIRED", "validUntil is already past: nothing to store");
      if (!isEnvelope(record.encryptedPrivateKey)) {
        throw invalid("encryptedPrivateKey must be the v2 envelope createSessionKey returns: the store never persists a key in clear");
      }
      const stored = { v: RECORD_VERSION, accountAddress: account, publicKey, validUntil: record.validUntil, encryptedPrivateKey: record.encryptedPrivateKey };
      await storage.setItem(storageKey(account), JSON.stringify(stored));
    },

    async load(accountAddress) {
      const account = address(accountAddress);
      const record = await read(account);
      if (record === undefined) return undefined;
      if (record.validUntil <= now()) {
        // Useless to the chain, still a target for PIN guessing: do not keep it.
        await storage.removeItem(storageKey(account));
        return undefined;
      }
      return record;
    },

    async unlock({ accountAddress, encryptKey, onLock }) {
      const account = address(accountAddress);
      const record = await read(account);
      if (record === undefined) throw invalid(`no session is stored for account ${account}`);
      if (record.validUntil <= now()) {
        await storage.removeItem(storageKey(account));
        throw new SessionError("SESSION_EXPIRED", "the stored session has expired; its record was removed");
      }
      const decrypted = await decryptPrivateKey(record.encryptedPrivateKey, encryptKey);
      let privateKey: string | undefined;
      try {
        privateKey = parsePrivateKey(decrypted, "session private key");
      } catch {
        privateKey = undefined;
      }
      if (privateKey === undefined || BigInt(ec.starkCurve.getStarkKey(privateKey)) !== BigInt(record.publicKey)) {
        throw new SessionError("SESSION_DECRYPTION_FAILED", "the stored envelope does not hold the private key of the stored public key");
      }

      const { validUntil, publicKey } = record;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const forgetters = unlocked.get(account) ?? new Set();
      unlocked.set(account, forgetters);
      const forget = (reason: "expired" | "locked" | "removed") => {
        if (privateKey === undefined) return;
        privateKey = undefined;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        forgetters.delete(forget);
        onLock?.(reason);
      };
      const expireIfDue = () => {
        if (privateKey !== undefined && validUntil <= now()) forget("expired");
      };
      const arm = () => {
        timer = setTimeout(
          () => {
            expireIfDue();
            if (privateKey !== undefined) arm();
          },
          Math.min(MAX_TIMER_MS, Math.max(0, (validUntil - now()) * 1000)),
        );
        // In Node, a pending expiry must not keep the process alive.
        if (typeof timer === "object" && typeof timer.unref === "function") timer.unref();
      };
      forgetters.add(forget);
      arm();

      return {
        accountAddress: account,
        publicKey,
        validUntil,
        get isUnlocked() {
          expireIfDue();
          return privateKey !== undefined;
        },
        sessionKey() {
          expireIfDue();
          if (privateKey === undefined) {
            if (validUntil <= now()) throw new SessionError("SESSION_EXPIRED", "the session has expired; its key was forgotten");
            throw invalid("the session is locked: unlock it again with its PIN");
          }
          return { privateKey, validUntil };
        },
        lock() {
          forget("locked");
        },
      };
    },

    remove,
  };
}

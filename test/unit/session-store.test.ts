// The session store: only the encrypted envelope and public data reach storage, the
// private key is unlocked into memory and forgotten at validUntil, on lock and on log out.
import { ec, num } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import { createSessionKey, type CreateSessionKeyReturnType } from "../../sdk/actions/createSessionKey.ts";
import { decryptPrivateKey, encryptPrivateKey } from "../../sdk/crypto/encryption.ts";
import { SessionError, type SessionErrorCode } from "../../sdk/errors.ts";
import { createMemoryStorage, createSessionStore, type StorageLike, type StoredSession } from "../../sdk/storage/sessionStore.ts";

const PIN = "4821";
const T0 = 1_800_000_000;
const ACCOUNT = "0x" + "ab".repeat(31);
const ACCOUNT_HEX64 = num.toHex64(ACCOUNT);

/** A Storage-like map that also shows what was written. */
function inspectableStorage(): StorageLike & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  return { entries, getItem: (key) => entries.get(key) ?? null, setItem: (key, value) => void entries.set(key, value), removeItem: (key) => void entries.delete(key) };
}

/** A controllable clock (unix seconds). */
function clock(start = T0) {
  let time = start;
  return { now: () => time, set: (value: number) => void (time = value) };
}

async function rejection(action: Promise<unknown> | (() => unknown)): Promise<SessionError> {
  let error: unknown;
  try {
    await (typeof action === "function" ? action() : action);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(SessionError);
  return error as SessionError;
}

async function expectCode(action: Promise<unknown> | (() => unknown), code: SessionErrorCode): Promise<void> {
  expect((await rejection(action)).code).toBe(code);
}

let key: CreateSessionKeyReturnType;
let privateKey: string;
let record: StoredSession;

beforeAll(async () => {
  // One scrypt to create, one to know the key: every test reuses them.
  key = await createSessionKey({ encryptKey: PIN, allowWeakSecret: true, durationSeconds: 3_600, now: T0 });
  // Normalised as the store hands it out (num.toHex: no leading zeros).
  privateKey = num.toHex(await decryptPrivateKey(key.encryptedPrivateKey, PIN));
  record = { accountAddress: ACCOUNT, publicKey: key.publicKey, validUntil: key.validUntil, encryptedPrivateKey: key.encryptedPrivateKey };
});

describe("createSessionStore: what is persisted", () => {
  it("stores one record per account holding only the envelope, the public key, validUntil and the account", async () => {
    const storage = inspectableStorage();
    await createSessionStore({ storage, now: clock().now }).save(record);
    expect([...storage.entries.keys()]).toEqual([`session-account:${ACCOUNT_HEX64}`]);
    const stored = JSON.parse([...storage.entries.values()][0] ?? "");
    expect(stored).toEqual({ v: 1, accountAddress: ACCOUNT_HEX64, publicKey: num.toHex(key.publicKey), validUntil: key.validUntil, encryptedPrivateKey: key.encryptedPrivateKey });
    const everything = [...storage.entries].flat().join("\n").toLowerCase();
    for (const form of [privateKey.slice(2), BigInt(privateKey).toString(16).padStart(64, "0"), BigInt(privateKey).toString(10)]) {
      expect(everything).not.toContain(form.toLowerCase());
    }
  });

  it("refuses to persist a private key in clear, or anything but a v2 envelope, and writes nothing", async () => {
    const storage = inspectableStorage();
    const store = createSessionStore({ storage, now: clock().now });
    const envelope = JSON.parse(key.encryptedPrivateKey) as Record<string, unknown>;
    const notEnvelopes = [
      privateKey,
      JSON.stringify({ privateKey }),
      JSON.stringify({ ...envelope, privateKey }),
      JSON.stringify({ ...envelope, v: 1 }),
      JSON.stringify({ ...envelope, kdf: "none" }),
      "U2FsdGVkX1+legacy",
    ];
    for (const encryptedPrivateKey of notEnvelopes) {
      await expectCode(store.save({ ...record, encryptedPrivateKey }), "INVALID_INPUT");
    }
    expect(storage.entries.size).toBe(0);
  });

  it("refuses an already expired validUntil, a bad account and a bad public key", async () => {
    const storage = inspectableStorage();
    const store = createSessionStore({ storage, now: clock(key.validUntil).now });
    await expectCode(store.save(record), "SESSION_EXPIRED");
    await expectCode(store.save({ ...record, validUntil: 1.5 }), "INVALID_INPUT");
    await expectCode(store.save({ ...record, accountAddress: "ab" }), "INVALID_INPUT");
    await expectCode(store.save({ ...record, publicKey: "0x0" }), "INVALID_INPUT");
    expect(storage.entries.size).toBe(0);
  });

  it("loads the record by any spelling of the address; none, expired (then removed) or foreign data are told apart", async () => {
    const storage = inspectableStorage();
    const time = clock();
    const store = createSessionStore({ storage, now: time.now });
    expect(await store.load(ACCOUNT)).toBeUndefined();
    await store.save(record);
    expect(await store.load(ACCOUNT.toUpperCase().replace("0X", "0x"))).toEqual({ ...record, accountAddress: ACCOUNT_HEX64, publicKey: num.toHex(key.publicKey) });
    time.set(key.validUntil);
    expect(await store.load(ACCOUNT)).toBeUndefined();
    expect(storage.entries.size).toBe(0);
    storage.entries.set(`session-account:${ACCOUNT_HEX64}`, JSON.stringify({ privateKey }));
    await expectCode(store.load(ACCOUNT), "INVALID_INPUT");
  });

  it("keeps stores with different prefixes apart, and accepts an async (IndexedDB-like) storage", async () => {
    const map = new Map<string, string>();
    const asyncStorage: StorageLike = {
      getItem: async (k) => map.get(k) ?? null,
      setItem: async (k, v) => void map.set(k, v),
      removeItem: async (k) => void map.delete(k),
    };
    const game = createSessionStore({ storage: asyncStorage, keyPrefix: "game:", now: clock().now });
    const other = createSessionStore({ storage: asyncStorage, keyPrefix: "other:", now: clock().now });
    await game.save(record);
    expect(await other.load(ACCOUNT)).toBeUndefined();
    expect((await game.load(ACCOUNT))?.publicKey).toBe(num.toHex(key.publicKey));
    expect([...map.keys()]).toEqual([`game:${ACCOUNT_HEX64}`]);
  });

  it("refuses a storage without getItem, setItem and removeItem", async () => {
    await expectCode(() => createSessionStore({ storage: {} as StorageLike }), "INVALID_INPUT");
  });
});

describe("createSessionStore: the unlocked session", () => {
  it("unlocks with the PIN into a session key the actions take, for the record's key", async () => {
    const store = createSessionStore({ storage: createMemoryStorage(), now: clock().now });
    await store.save(record);
    const unlocked = await store.unlock({ accountAddress: ACCOUNT, encryptKey: PIN });
    expect(unlocked.isUnlocked).toBe(true);
    expect(unlocked.sessionKey()).toEqual({ privateKey, validUntil: key.validUntil });
    expect(ec.starkCurve.getStarkKey(unlocked.sessionKey().privateKey)).toBe(key.publicKey);
    expect({ accountAddress: unlocked.accountAddress, publicKey: unlocked.publicKey, validUntil: unlocked.validUntil }).toEqual({ accountAddress: ACCOUNT_HEX64, publicKey: num.toHex(key.publicKey), validUntil: key.validUntil });
  });

  it("refuses a wrong PIN, an envelope holding another key, a missing and an expired record", async () => {
    const storage = inspectableStorage();
    const time = clock();
    const store = createSessionStore({ storage, now: time.now });
    await expectCode(store.unlock({ accountAddress: ACCOUNT, encryptKey: PIN }), "INVALID_INPUT");
    await store.save(record);
    await expectCode(store.unlock({ accountAddress: ACCOUNT, encryptKey: "4822" }), "SESSION_DECRYPTION_FAILED");
    // Someone swaps in an envelope of their own key under the same PIN.
    const foreign = await encryptPrivateKey("0x" + "3c".repeat(31), PIN, { allowWeakSecret: true });
    await store.save({ ...record, encryptedPrivateKey: foreign });
    await expectCode(store.unlock({ accountAddress: ACCOUNT, encryptKey: PIN }), "SESSION_DECRYPTION_FAILED");
    await store.save(record);
    time.set(key.validUntil);
    await expectCode(store.unlock({ accountAddress: ACCOUNT, encryptKey: PIN }), "SESSION_EXPIRED");
    expect(storage.entries.size).toBe(0);
  });

  it("forgets the key at validUntil: the clock is checked on every use", async () => {
    const time = clock();
    const store = createSessionStore({ storage: createMemoryStorage(), now: time.now });
    await store.save(record);
    const reasons: string[] = [];
    const unlocked = await store.unlock({ accountAddress: ACCOUNT, encryptKey: PIN, onLock: (reason) => reasons.push(reason) });
    time.set(key.validUntil - 1);
    expect(unlocked.sessionKey().privateKey).toBe(privateKey);
    time.set(key.validUntil);
    expect(unlocked.isUnlocked).toBe(false);
    await expectCode(() => unlocked.sessionKey(), "SESSION_EXPIRED");
    expect(reasons).toEqual(["expired"]);
  });

  it("forgets the key at validUntil by a timer, untouched", async () => {
    const time = clock();
    const store = createSessionStore({ storage: createMemoryStorage(), now: time.now });
    await store.save({ ...record, validUntil: T0 + 1 });
    const locked = new Promise<string>((resolve) => {
      void store.unlock({ accountAddress: ACCOUNT, encryptKey: PIN, onLock: resolve }).then(() => time.set(T0 + 1));
    });
    // The timer is armed for validUntil - now = 1 s.
    expect(await locked).toBe("expired");
  });

  it("lock() forgets the key and keeps the envelope; it unlocks again with the PIN", async () => {
    const storage = inspectableStorage();
    const store = createSessionStore({ storage, now: clock().now });
    await store.save(record);
    const reasons: string[] = [];
    const unlocked = await store.unlock({ accountAddress: ACCOUNT, encryptKey: PIN, onLock: (reason) => reasons.push(reason) });
    unlocked.lock();
    unlocked.lock();
    expect(unlocked.isUnlocked).toBe(false);
    expect((await rejection(() => unlocked.sessionKey())).message).toMatch(/locked/);
    expect(reasons).toEqual(["locked"]);
    expect(storage.entries.size).toBe(1);
    expect((await store.unlock({ accountAddress: ACCOUNT, encryptKey: PIN })).sessionKey().privateKey).toBe(privateKey);
  });

  it("remove() (log out) deletes the record and forgets every key unlocked for that account", async () => {
    const storage = inspectableStorage();
    const store = createSessionStore({ storage, now: clock().now });
    await store.save(record);
    const reasons: string[] = [];
    const first = await store.unlock({ accountAddress: ACCOUNT, encryptKey: PIN, onLock: (reason) => reasons.push(`first ${reason}`) });
    const second = await store.unlock({ accountAddress: ACCOUNT, encryptKey: PIN, onLock: (reason) => reasons.push(`second ${reason}`) });
    await store.remove(num.toHex64(ACCOUNT));
    expect([first.isUnlocked, second.isUnlocked]).toEqual([false, false]);
    expect(reasons).toEqual(["first removed", "second removed"]);
    expect(storage.entries.size).toBe(0);
    expect(await store.load(ACCOUNT)).toBeUndefined();
  });
});

// Encrypting a session private key under a user secret (a PIN or passphrase), with
// WebCrypto and @noble/hashes only, so the same code runs in Node 22 and in browsers.
//
// Envelope v2 (written): scrypt (N = 2^16, r = 8, p = 1, 16-byte salt) derives an
// AES-256-GCM key. scrypt is memory-hard: every guess needs 64 MiB of RAM, which is what
// makes GPU/ASIC guessing expensive, unlike PBKDF2 whose guesses run in a few bytes each.
// The GCM tag authenticates the whole envelope header, so a changed N, salt or ciphertext
// fails to decrypt instead of yielding another key. The envelope is a JSON string, easy
// to store in localStorage or a database.
//
// Envelope v1 (read only): PBKDF2-SHA256, 600,000 iterations, same AES-256-GCM layout.
//
// Legacy: OpenSSL "Salted__" AES-256-CBC blobs (EVP_BytesToKey with MD5, one round), the
// format crypto-es's AES.encrypt(text, passphrase) produces. One guess costs tens of
// microseconds, so a 6-digit PIN falls in under a minute: decryptPrivateKey refuses them
// (SESSION_LEGACY_ENVELOPE) and only migrateLegacyEnvelope opens one, to re-encrypt it.
//
// Every KDF parameter read from an envelope is checked against a fixed bound BEFORE any
// derivation: a tampered header can neither weaken the KDF nor make it hang.
import { md5 } from "@noble/hashes/legacy.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { SessionError } from "../errors.ts";

export const ENVELOPE_VERSION = 2;

/**
 * scrypt cost of every envelope we write. N = 2^16 (64 MiB per guess) takes ~0.28 s in
 * Node 22 on a 2-core machine, so creating or opening a key stays well under a second on
 * slower phones and browsers too; 2^17 (~0.55 s here) would not. Frozen: a dApp must not
 * be able to lower it by mutating the export.
 */
export const SCRYPT_PARAMS: Readonly<{ N: number; r: number; p: number }> = Object.freeze({ N: 2 ** 16, r: 8, p: 1 });

/**
 * Largest N we accept when reading: 4× ours, so a later release may raise N by up to two
 * steps and older readers still open its envelopes; a tampered header can make one
 * decryption cost at most ~1 s and 256 MiB, never more. r and p must equal ours exactly
 * (raising p multiplies the time without a memory bound we care to allow).
 */
export const SCRYPT_MAX_N = 4 * SCRYPT_PARAMS.N;

/** v1 envelopes (read only) were always written with exactly this count. */
export const PBKDF2_ITERATIONS = 600_000;

/**
 * Shortest `encryptKey` accepted when encrypting, unless the caller opts in with
 * `allowWeakSecret: true`. At ~0.28 s per scrypt guess per core, 8 lowercase letters
 * (26^8 ≈ 2·10^11) cost an attacker ~1,800 core-years; a 4-digit PIN (10^4) costs under
 * an hour. Length is the only strength we can check without a dictionary, so this is a
 * floor, not a guarantee: "12345678" passes it.
 */
export const MIN_SECRET_LENGTH = 8;

/** The envelope written today (v2). */
export interface EncryptedKeyEnvelope {
  v: 2;
  kdf: "scrypt";
  N: number;
  r: number;
  p: number;
  /** base64, 16 bytes */
  salt: string;
  /** base64, 12 bytes */
  iv: string;
  /** base64, AES-256-GCM ciphertext with its 16-byte tag */
  ciphertext: string;
}

/** The PBKDF2 envelope earlier versions wrote; still decrypted, never written. */
export interface EncryptedKeyEnvelopeV1 {
  v: 1;
  kdf: "PBKDF2-SHA256";
  iterations: number;
  salt: string;
  iv: string;
  ciphertext: string;
}

export interface EncryptPrivateKeyOptions {
  /**
   * Accept an `encryptKey` shorter than MIN_SECRET_LENGTH (e.g. a 4-digit game PIN for a
   * short session). Guessing such a secret offline takes minutes to hours once the
   * envelope leaks, so this must be a visible decision. Only `true` opts in.
   */
  allowWeakSecret?: boolean;
}

export interface MigrateLegacyEnvelopeParameters {
  /** The crypto-es "Salted__" blob (base64) stored by an earlier integration. */
  legacyBlob: string;
  /** The secret the legacy blob was encrypted under. */
  encryptKey: string;
  /** Secret for the new envelope; defaults to `encryptKey`. */
  newEncryptKey?: string;
  /** As in encryptPrivateKey, for the secret of the new envelope. */
  allowWeakSecret?: boolean;
}

export interface MigrateLegacyEnvelopeReturnType {
  /** A v2 envelope (JSON). Store it in place of the legacy blob, and delete the blob. */
  encryptedPrivateKey: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const SALT_BYTES = 16;
const IV_BYTES = 12;

function subtle(): SubtleCrypto {
  const crypto = globalThis.crypto;
  if (!crypto?.subtle) throw new SessionError("SESSION_CREATION_FAILED", "WebCrypto (crypto.subtle) is not available in this environment");
  return crypto.subtle;
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function checkSecret(encryptKey: string, name = "encryptKey"): void {
  if (typeof encryptKey !== "string" || encryptKey.length === 0) {
    throw new SessionError("INVALID_INPUT", `${name} must be a non-empty string (a PIN or passphrase)`);
  }
}

/** Counted in code points, so an emoji or an accented letter counts as one character. */
function checkStrongSecret(encryptKey: string, allowWeakSecret: boolean | undefined, name = "encryptKey"): void {
  checkSecret(encryptKey, name);
  if (allowWeakSecret !== true && [...encryptKey].length < MIN_SECRET_LENGTH) {
    throw new SessionError("INVALID_INPUT", `${name} must be at least ${MIN_SECRET_LENGTH} characters, or pass allowWeakSecret: true`, {
      details: "a shorter secret is guessed offline in minutes to hours once the encrypted key leaks; opt in only for a deliberate choice such as a PIN for a short session",
    });
  }
}

async function scryptKey(encryptKey: string, salt: Uint8Array<ArrayBuffer>, { N, r, p }: { N: number; r: number; p: number }): Promise<CryptoKey> {
  // maxmem as a second fence behind the header checks: never more than SCRYPT_MAX_N needs
  // (noble allocates 128·r·(N + p + 1) bytes).
  // NFC: the same passphrase typed on two devices (composed or decomposed accents) is the same key.
  const bytes = await scryptAsync(encoder.encode(encryptKey.normalize("NFC")), salt, { N, r, p, dkLen: 32, maxmem: 128 * r * (SCRYPT_MAX_N + p + 1) });
  try {
    return await subtle().importKey("raw", bytes, "AES-GCM", false, ["encrypt", "decrypt"]);
  } finally {
    bytes.fill(0);
  }
}

async function pbkdf2Key(encryptKey: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await subtle().importKey("raw", encoder.encode(encryptKey), "PBKDF2", false, ["deriveKey"]);
  return subtle().deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

/** The header bytes the GCM tag authenticates (everything but the ciphertext). */
function additionalData(envelope: Omit<EncryptedKeyEnvelope, "ciphertext"> | Omit<EncryptedKeyEnvelopeV1, "ciphertext">): Uint8Array<ArrayBuffer> {
  if (envelope.v === 1) return encoder.encode(`${envelope.v}|${envelope.kdf}|${envelope.iterations}|${envelope.salt}|${envelope.iv}`);
  return encoder.encode(`${envelope.v}|${envelope.kdf}|${envelope.N}|${envelope.r}|${envelope.p}|${envelope.salt}|${envelope.iv}`);
}

/**
 * Encrypts `privateKey` (any string) under `encryptKey`; returns a v2 envelope (scrypt +
 * AES-256-GCM) as JSON. Refuses an `encryptKey` shorter than MIN_SECRET_LENGTH with
 * INVALID_INPUT unless `allowWeakSecret: true`.
 *
 * @example
 * const envelope = await encryptPrivateKey(privateKey, "correct horse battery");
 * const pinEnvelope = await encryptPrivateKey(privateKey, "4821", { allowWeakSecret: true });
 */
export async function encryptPrivateKey(privateKey: string, encryptKey: string, { allowWeakSecret }: EncryptPrivateKeyOptions = {}): Promise<string> {
  checkStrongSecret(encryptKey, allowWeakSecret);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const header = { v: ENVELOPE_VERSION, kdf: "scrypt", ...SCRYPT_PARAMS, salt: toBase64(salt), iv: toBase64(iv) } as const;
  const key = await scryptKey(encryptKey, salt, SCRYPT_PARAMS);
  const ciphertext = new Uint8Array(await subtle().encrypt({ name: "AES-GCM", iv, additionalData: additionalData(header) }, key, encoder.encode(privateKey)));
  const envelope: EncryptedKeyEnvelope = { ...header, ciphertext: toBase64(ciphertext) };
  return JSON.stringify(envelope);
}

function refuse(message: string): never {
  throw new SessionError("SESSION_DECRYPTION_FAILED", message);
}

function decodedLength(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  try {
    return atob(text).length;
  } catch {
    return undefined;
  }
}

/** Parses an envelope and bounds every KDF parameter; nothing here derives a key. */
function parseEnvelope(encrypted: string): EncryptedKeyEnvelope | EncryptedKeyEnvelopeV1 {
  let value: unknown;
  try {
    value = JSON.parse(encrypted);
  } catch {
    refuse("the encrypted key is neither a v2/v1 envelope nor a legacy Salted__ blob");
  }
  if (typeof value !== "object" || value === null) refuse("the encrypted key is not an envelope object");
  const envelope = value as Record<string, unknown>;
  if (envelope.v === 2 && envelope.kdf === "scrypt") {
    const { N, r, p } = envelope;
    // N a power of two within [ours, 4× ours], r and p exactly ours: see SCRYPT_MAX_N.
    const validN = typeof N === "number" && Number.isInteger(N) && N >= SCRYPT_PARAMS.N && N <= SCRYPT_MAX_N && (N & (N - 1)) === 0;
    if (!validN || r !== SCRYPT_PARAMS.r || p !== SCRYPT_PARAMS.p) {
      refuse(`unsupported scrypt parameters N=${JSON.stringify(N)} r=${JSON.stringify(r)} p=${JSON.stringify(p)}: expected N a power of two in [${SCRYPT_PARAMS.N}, ${SCRYPT_MAX_N}], r=${SCRYPT_PARAMS.r}, p=${SCRYPT_PARAMS.p}`);
    }
  } else if (envelope.v === 1 && envelope.kdf === "PBKDF2-SHA256") {
    // v1 was only ever written with exactly PBKDF2_ITERATIONS and is never written again,
    // so no other count is legitimate: fewer would weaken the KDF, more could hang it.
    if (envelope.iterations !== PBKDF2_ITERATIONS) {
      refuse(`unsupported PBKDF2 iteration count ${JSON.stringify(envelope.iterations)}: v1 envelopes use exactly ${PBKDF2_ITERATIONS}`);
    }
  } else {
    refuse(`unsupported envelope version ${JSON.stringify(envelope.v)} / kdf ${JSON.stringify(envelope.kdf)}`);
  }
  if (decodedLength(envelope.salt) !== SALT_BYTES || decodedLength(envelope.iv) !== IV_BYTES || decodedLength(envelope.ciphertext) === undefined) {
    refuse(`the envelope needs a base64 ${SALT_BYTES}-byte salt, ${IV_BYTES}-byte iv and a ciphertext`);
  }
  return envelope as unknown as EncryptedKeyEnvelope | EncryptedKeyEnvelopeV1;
}

/**
 * Decrypts a v2 or v1 envelope. A wrong secret, any tampering or out-of-bounds KDF
 * parameters throw SESSION_DECRYPTION_FAILED; a legacy crypto-es "Salted__" blob throws
 * SESSION_LEGACY_ENVELOPE without being tried (migrate it with migrateLegacyEnvelope).
 *
 * @example
 * const privateKey = await decryptPrivateKey(stored, pin);
 */
export async function decryptPrivateKey(encrypted: string, encryptKey: string): Promise<string> {
  checkSecret(encryptKey);
  if (typeof encrypted === "string" && isLegacyBlob(encrypted)) {
    throw new SessionError("SESSION_LEGACY_ENVELOPE", "legacy Salted__ session key: migrate it once with migrateLegacyEnvelope({ legacyBlob, encryptKey })", {
      details: "a Salted__ blob costs microseconds per guess, so it is no longer decrypted in use; store the envelope migrateLegacyEnvelope returns and delete the blob",
    });
  }
  const envelope = parseEnvelope(encrypted);
  try {
    const salt = fromBase64(envelope.salt);
    const key = envelope.v === 2 ? await scryptKey(encryptKey, salt, envelope) : await pbkdf2Key(encryptKey, salt, envelope.iterations);
    const plain = await subtle().decrypt({ name: "AES-GCM", iv: fromBase64(envelope.iv), additionalData: additionalData(envelope) }, key, fromBase64(envelope.ciphertext));
    return decoder.decode(plain);
  } catch (error) {
    throw new SessionError("SESSION_DECRYPTION_FAILED", "could not decrypt the session key: wrong encryptKey or a modified envelope", { cause: error });
  }
}

/** base64("Salted__") starts every OpenSSL-compatible blob crypto-es writes. */
export function isLegacyBlob(encrypted: string): boolean {
  return encrypted.startsWith("U2FsdGVkX1");
}

/**
 * One-time migration of a legacy crypto-es "Salted__" blob: decrypts it under
 * `encryptKey` and re-encrypts the key as a v2 envelope under `newEncryptKey` (default:
 * the same secret). The new secret must pass the same length check as encryptPrivateKey.
 * Store the result and delete the blob: the blob stays cheap to guess for as long as it
 * exists anywhere.
 *
 * @example
 * const { encryptedPrivateKey } = await migrateLegacyEnvelope({ legacyBlob, encryptKey: pin, newEncryptKey: passphrase });
 * storage.set("sessionKey", encryptedPrivateKey);
 */
export async function migrateLegacyEnvelope({ legacyBlob, encryptKey, newEncryptKey, allowWeakSecret }: MigrateLegacyEnvelopeParameters): Promise<MigrateLegacyEnvelopeReturnType> {
  checkSecret(encryptKey);
  // Checked here, not only by encryptPrivateKey, to fail before touching the blob and to
  // name the parameter the caller actually passed.
  checkStrongSecret(newEncryptKey ?? encryptKey, allowWeakSecret, newEncryptKey === undefined ? "encryptKey" : "newEncryptKey");
  if (typeof legacyBlob !== "string" || !isLegacyBlob(legacyBlob)) {
    throw new SessionError("INVALID_INPUT", "legacyBlob is not a legacy Salted__ blob (a v1/v2 envelope needs no migration)");
  }
  const privateKey = await decryptLegacy(legacyBlob, encryptKey);
  return { encryptedPrivateKey: await encryptPrivateKey(privateKey, newEncryptKey ?? encryptKey, { allowWeakSecret }) };
}

/** OpenSSL EVP_BytesToKey(MD5, 1 round): 32-byte key + 16-byte IV from passphrase and salt. */
function evpBytesToKey(passphrase: Uint8Array, salt: Uint8Array): { key: Uint8Array<ArrayBuffer>; iv: Uint8Array<ArrayBuffer> } {
  const derived = new Uint8Array(48);
  let previous = new Uint8Array(0);
  for (let offset = 0; offset < 48; offset += 16) {
    previous = md5(new Uint8Array([...previous, ...passphrase, ...salt]));
    derived.set(previous, offset);
  }
  return { key: derived.slice(0, 32), iv: derived.slice(32, 48) };
}

async function decryptLegacy(blob: string, passphrase: string): Promise<string> {
  try {
    const bytes = fromBase64(blob);
    const salt = bytes.slice(8, 16);
    const { key, iv } = evpBytesToKey(encoder.encode(passphrase), salt);
    const aesKey = await subtle().importKey("raw", key, "AES-CBC", false, ["decrypt"]);
    const plain = await subtle().decrypt({ name: "AES-CBC", iv }, aesKey, bytes.slice(16));
    // CBC has no authentication: a wrong passphrase usually breaks the padding (caught
    // above) and otherwise yields bytes that are not UTF-8 text.
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch (error) {
    throw new SessionError("SESSION_DECRYPTION_FAILED", "could not decrypt the legacy (Salted__) session key: wrong encryptKey or a corrupted blob", { cause: error });
  }
}

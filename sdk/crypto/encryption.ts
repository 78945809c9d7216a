// Encrypting a session private key under a user secret (a PIN or passphrase), with
// WebCrypto only, so the same code runs in Node 22 and in browsers.
//
// Envelope v1: PBKDF2-SHA256 (600,000 iterations, 16-byte salt) derives an AES-256-GCM
// key; the GCM tag authenticates the whole envelope header, so a changed iteration
// count, salt or ciphertext fails to decrypt instead of yielding another key.
// The envelope is a JSON string, easy to store in localStorage or a database.
//
// Legacy: OpenSSL "Salted__" AES-256-CBC blobs (EVP_BytesToKey with MD5, one round), the
// format crypto-es's AES.encrypt(text, passphrase) produces, can be decrypted so keys
// stored that way can be moved to v1. They are never written.
import { md5 } from "@noble/hashes/legacy.js";
import { SessionError } from "../errors.ts";

export const ENVELOPE_VERSION = 1;
export const PBKDF2_ITERATIONS = 600_000;

export interface EncryptedKeyEnvelope {
  v: typeof ENVELOPE_VERSION;
  kdf: "PBKDF2-SHA256";
  iterations: number;
  /** base64 */
  salt: string;
  /** base64, 12 bytes */
  iv: string;
  /** base64, AES-256-GCM ciphertext with its 16-byte tag */
  ciphertext: string;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

function checkSecret(encryptKey: string): void {
  if (typeof encryptKey !== "string" || encryptKey.length === 0) {
    throw new SessionError("INVALID_INPUT", "encryptKey must be a non-empty string (a PIN or passphrase)");
  }
}

async function deriveKey(encryptKey: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<CryptoKey> {
  const material = await subtle().importKey("raw", encoder.encode(encryptKey), "PBKDF2", false, ["deriveKey"]);
  return subtle().deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

/** The header bytes the GCM tag authenticates (everything but the ciphertext). */
function additionalData(envelope: Omit<EncryptedKeyEnvelope, "ciphertext">): Uint8Array<ArrayBuffer> {
  return encoder.encode(`${envelope.v}|${envelope.kdf}|${envelope.iterations}|${envelope.salt}|${envelope.iv}`);
}

/** Encrypts `privateKey` (any string) under `encryptKey`; returns the v1 envelope as JSON. */
export async function encryptPrivateKey(privateKey: string, encryptKey: string): Promise<string> {
  checkSecret(encryptKey);
  const salt = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const iv = globalThis.crypto.getRandomValues(new Uint8Array(12));
  const header = { v: ENVELOPE_VERSION, kdf: "PBKDF2-SHA256", iterations: PBKDF2_ITERATIONS, salt: toBase64(salt), iv: toBase64(iv) } as const;
  const key = await deriveKey(encryptKey, salt, PBKDF2_ITERATIONS);
  const ciphertext = new Uint8Array(await subtle().encrypt({ name: "AES-GCM", iv, additionalData: additionalData(header) }, key, encoder.encode(privateKey)));
  const envelope: EncryptedKeyEnvelope = { ...header, ciphertext: toBase64(ciphertext) };
  return JSON.stringify(envelope);
}

function parseEnvelope(encrypted: string): EncryptedKeyEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(encrypted);
  } catch {
    throw new SessionError("SESSION_DECRYPTION_FAILED", "the encrypted key is neither a v1 envelope nor a legacy Salted__ blob");
  }
  const envelope = value as Partial<EncryptedKeyEnvelope>;
  if (envelope.v !== ENVELOPE_VERSION || envelope.kdf !== "PBKDF2-SHA256") {
    throw new SessionError("SESSION_DECRYPTION_FAILED", `unsupported envelope version ${JSON.stringify(envelope.v)} / kdf ${JSON.stringify(envelope.kdf)}`);
  }
  if (!Number.isInteger(envelope.iterations) || (envelope.iterations as number) < PBKDF2_ITERATIONS) {
    // Never derive with fewer iterations than we write: a tampered header must not weaken the KDF.
    throw new SessionError("SESSION_DECRYPTION_FAILED", "the envelope asks for fewer PBKDF2 iterations than allowed");
  }
  if (typeof envelope.salt !== "string" || typeof envelope.iv !== "string" || typeof envelope.ciphertext !== "string") {
    throw new SessionError("SESSION_DECRYPTION_FAILED", "the envelope is missing salt, iv or ciphertext");
  }
  return envelope as EncryptedKeyEnvelope;
}

/**
 * Decrypts a v1 envelope, or a legacy crypto-es "Salted__" blob. A wrong secret or any
 * tampering throws SESSION_DECRYPTION_FAILED (GCM authenticates; legacy blobs are checked
 * for padding and for decoding as text).
 */
export async function decryptPrivateKey(encrypted: string, encryptKey: string): Promise<string> {
  checkSecret(encryptKey);
  if (isLegacyBlob(encrypted)) return decryptLegacy(encrypted, encryptKey);
  const envelope = parseEnvelope(encrypted);
  try {
    const key = await deriveKey(encryptKey, fromBase64(envelope.salt), envelope.iterations);
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

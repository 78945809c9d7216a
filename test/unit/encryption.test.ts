// Session-key envelopes: v2 (scrypt) round trips, v1 (PBKDF2) still opens, tampered KDF
// parameters are refused before any derivation, legacy Salted__ blobs are refused in use
// and only migrated explicitly, and short secrets need a visible opt-in.
import { AES } from "crypto-es";
import { ec } from "starknet";
import { describe, expect, it } from "vitest";
import { createSessionKey } from "../../sdk/actions/createSessionKey.ts";
import {
  decryptPrivateKey,
  encryptPrivateKey,
  isLegacyBlob,
  MIN_SECRET_LENGTH,
  migrateLegacyEnvelope,
  PBKDF2_ITERATIONS,
  SCRYPT_MAX_N,
  SCRYPT_PARAMS,
} from "../../sdk/crypto/encryption.ts";
import { SessionError, type SessionErrorCode } from "../../sdk/errors.ts";

const KEY = "0x" + "1f".repeat(31);
const SECRET = "correct horse";
const PIN = "1234";

async function rejection(promise: Promise<unknown>): Promise<SessionError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SessionError);
  return error as SessionError;
}

async function expectCode(promise: Promise<unknown>, code: SessionErrorCode, message?: RegExp): Promise<void> {
  const error = await rejection(promise);
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
}

const toB64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

function flip(b64: string): string {
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  return toB64(bytes);
}

/** A v1 envelope exactly as the previous SDK wrote it, built here with WebCrypto alone. */
async function v1Envelope(privateKey: string, secret: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const header = { v: 1, kdf: "PBKDF2-SHA256", iterations, salt: toB64(salt), iv: toB64(iv) };
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "PBKDF2", false, ["deriveKey"]);
  const key = await crypto.subtle.deriveKey({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, material, { name: "AES-GCM", length: 256 }, false, ["encrypt"]);
  const additionalData = new TextEncoder().encode(`${header.v}|${header.kdf}|${header.iterations}|${header.salt}|${header.iv}`);
  const ciphertext = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, key, new TextEncoder().encode(privateKey)));
  return JSON.stringify({ ...header, ciphertext: toB64(ciphertext) });
}

function randomPrivateKey(): string {
  return "0x" + ec.starkCurve.utils.randomPrivateKey().reduce((hex, byte) => hex + byte.toString(16).padStart(2, "0"), "");
}

describe("v2 envelopes (scrypt + AES-256-GCM)", () => {
  it("round-trips with scrypt N=2^16, r=8, p=1 and a 16-byte salt", async () => {
    const envelope = await encryptPrivateKey(KEY, SECRET);
    const parsed = JSON.parse(envelope);
    expect(parsed).toMatchObject({ v: 2, kdf: "scrypt", N: 2 ** 16, r: 8, p: 1 });
    expect(SCRYPT_PARAMS).toEqual({ N: 2 ** 16, r: 8, p: 1 });
    expect(atob(parsed.salt)).toHaveLength(16);
    expect(atob(parsed.iv)).toHaveLength(12);
    expect(envelope).not.toContain(KEY.slice(2));
    expect(await decryptPrivateKey(envelope, SECRET)).toBe(KEY);
  });

  it("cannot be weakened by mutating the exported parameters", () => {
    expect(Object.isFrozen(SCRYPT_PARAMS)).toBe(true);
    expect(() => {
      (SCRYPT_PARAMS as { N: number }).N = 2;
    }).toThrow(TypeError);
  });

  it("uses a fresh salt and IV every time", async () => {
    const [a, b] = [JSON.parse(await encryptPrivateKey(KEY, SECRET)), JSON.parse(await encryptPrivateKey(KEY, SECRET))];
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it("refuses a wrong secret", async () => {
    const envelope = await encryptPrivateKey(KEY, PIN, { allowWeakSecret: true });
    await expectCode(decryptPrivateKey(envelope, "1235"), "SESSION_DECRYPTION_FAILED", /wrong encryptKey/);
  });

  it("refuses a modified ciphertext, salt, or an in-bounds N", async () => {
    const envelope = JSON.parse(await encryptPrivateKey(KEY, SECRET));
    await expectCode(decryptPrivateKey(JSON.stringify({ ...envelope, ciphertext: flip(envelope.ciphertext) }), SECRET), "SESSION_DECRYPTION_FAILED", /modified envelope/);
    await expectCode(decryptPrivateKey(JSON.stringify({ ...envelope, salt: flip(envelope.salt) }), SECRET), "SESSION_DECRYPTION_FAILED", /modified envelope/);
    // 2^17 is within the accepted range, so it is derived: the other key fails the GCM tag.
    await expectCode(decryptPrivateKey(JSON.stringify({ ...envelope, N: 2 ** 17 }), SECRET), "SESSION_DECRYPTION_FAILED", /modified envelope/);
    await expectCode(decryptPrivateKey("not an envelope", SECRET), "SESSION_DECRYPTION_FAILED");
  });

  it("refuses out-of-bounds scrypt parameters in milliseconds, before deriving anything", async () => {
    const envelope = JSON.parse(await encryptPrivateKey(KEY, SECRET));
    const tampered = [
      { N: 2 ** 30 }, // beyond any memory budget
      { N: 2 ** 20 }, // 1 GiB and ~4 s: within noble's own default limit, so only our bound stops it
      { N: SCRYPT_MAX_N * 2 },
      { N: 2 ** 10 }, // weaker than we write
      { N: SCRYPT_PARAMS.N + 1 }, // not a power of two
      { N: "65536" },
      { r: 1 },
      { r: 64 },
      { p: 64 }, // 64 sequential derivations, ~17 s
      { p: 0 },
    ];
    for (const fields of tampered) {
      const start = performance.now();
      await expectCode(decryptPrivateKey(JSON.stringify({ ...envelope, ...fields }), SECRET), "SESSION_DECRYPTION_FAILED", /unsupported scrypt parameters/);
      expect(performance.now() - start, JSON.stringify(fields)).toBeLessThan(1_000);
    }
  });

  it("refuses a salt or iv of the wrong length before deriving", async () => {
    const envelope = JSON.parse(await encryptPrivateKey(KEY, SECRET));
    await expectCode(decryptPrivateKey(JSON.stringify({ ...envelope, salt: toB64(new Uint8Array(4)) }), SECRET), "SESSION_DECRYPTION_FAILED", /16-byte salt/);
    await expectCode(decryptPrivateKey(JSON.stringify({ ...envelope, iv: "%%%" }), SECRET), "SESSION_DECRYPTION_FAILED", /12-byte iv/);
  });

  it("derives the same key from a passphrase typed composed or decomposed (NFC)", async () => {
    const envelope = await encryptPrivateKey(KEY, "caf\u00e9 au lait");
    expect(await decryptPrivateKey(envelope, "cafe\u0301 au lait")).toBe(KEY);
  });
});

describe("v1 envelopes (PBKDF2-SHA256, read only)", () => {
  it("still decrypts a v1 envelope written with exactly 600,000 iterations", async () => {
    const envelope = await v1Envelope(KEY, PIN);
    expect(await decryptPrivateKey(envelope, PIN)).toBe(KEY);
    await expectCode(decryptPrivateKey(envelope, "1235"), "SESSION_DECRYPTION_FAILED", /wrong encryptKey/);
  });

  it("refuses any other iteration count in milliseconds, before deriving", async () => {
    const envelope = JSON.parse(await v1Envelope(KEY, PIN));
    for (const iterations of [2 ** 31, 60_000_000, PBKDF2_ITERATIONS + 1, 1_000, "600000"]) {
      const start = performance.now();
      await expectCode(decryptPrivateKey(JSON.stringify({ ...envelope, iterations }), PIN), "SESSION_DECRYPTION_FAILED", /unsupported PBKDF2 iteration count/);
      expect(performance.now() - start, String(iterations)).toBeLessThan(1_000);
    }
  });
});

describe("legacy Salted__ blobs (crypto-es AES.encrypt)", () => {
  it("are refused by decryptPrivateKey with SESSION_LEGACY_ENVELOPE, whatever the PIN", async () => {
    const blob = AES.encrypt(randomPrivateKey(), "4321").toString();
    expect(isLegacyBlob(blob)).toBe(true);
    // The right PIN is refused too: using the blob, not guessing it, is what must stop.
    await expectCode(decryptPrivateKey(blob, "4321"), "SESSION_LEGACY_ENVELOPE", /migrateLegacyEnvelope/);
    await expectCode(decryptPrivateKey(blob, "4322"), "SESSION_LEGACY_ENVELOPE");
  });

  it("migrate once into a v2 envelope under a new secret", async () => {
    const privateKey = randomPrivateKey();
    const blob = AES.encrypt(privateKey, "4321").toString();
    const { encryptedPrivateKey } = await migrateLegacyEnvelope({ legacyBlob: blob, encryptKey: "4321", newEncryptKey: SECRET });
    expect(JSON.parse(encryptedPrivateKey)).toMatchObject({ v: 2, kdf: "scrypt", ...SCRYPT_PARAMS });
    expect(await decryptPrivateKey(encryptedPrivateKey, SECRET)).toBe(privateKey);
  });

  it("keep the same short PIN through migration only with allowWeakSecret", async () => {
    const privateKey = randomPrivateKey();
    const blob = AES.encrypt(privateKey, "4321").toString();
    await expectCode(migrateLegacyEnvelope({ legacyBlob: blob, encryptKey: "4321" }), "INVALID_INPUT", /^encryptKey .*allowWeakSecret/);
    await expectCode(migrateLegacyEnvelope({ legacyBlob: blob, encryptKey: "4321", newEncryptKey: "9876" }), "INVALID_INPUT", /^newEncryptKey /);
    const { encryptedPrivateKey } = await migrateLegacyEnvelope({ legacyBlob: blob, encryptKey: "4321", allowWeakSecret: true });
    expect(await decryptPrivateKey(encryptedPrivateKey, "4321")).toBe(privateKey);
  });

  it("refuse to migrate under a wrong PIN, or anything that is not a legacy blob", async () => {
    const blob = AES.encrypt(randomPrivateKey(), "4321").toString();
    await expectCode(migrateLegacyEnvelope({ legacyBlob: blob, encryptKey: "4322", newEncryptKey: SECRET }), "SESSION_DECRYPTION_FAILED", /legacy/);
    const v2 = await encryptPrivateKey(KEY, SECRET);
    await expectCode(migrateLegacyEnvelope({ legacyBlob: v2, encryptKey: SECRET }), "INVALID_INPUT", /not a legacy/);
  });
});

describe("secrets", () => {
  it(`refuses an encryptKey shorter than ${MIN_SECRET_LENGTH} characters without allowWeakSecret`, async () => {
    expect(MIN_SECRET_LENGTH).toBe(8);
    await expectCode(encryptPrivateKey(KEY, PIN), "INVALID_INPUT", /at least 8 characters/);
    await expectCode(encryptPrivateKey(KEY, "1234567"), "INVALID_INPUT", /at least 8 characters/);
    await expectCode(encryptPrivateKey(KEY, PIN, { allowWeakSecret: false }), "INVALID_INPUT");
    // A plain-JS caller's truthy string is not an opt-in: only `true` is.
    await expectCode(encryptPrivateKey(KEY, PIN, { allowWeakSecret: "false" as unknown as boolean }), "INVALID_INPUT");
    // Code points, not UTF-16 units: four emoji are four characters.
    await expectCode(encryptPrivateKey(KEY, "🔑🔑🔑🔑"), "INVALID_INPUT");
    expect(await decryptPrivateKey(await encryptPrivateKey(KEY, "12345678"), "12345678")).toBe(KEY);
  });

  it("accepts a short PIN when the caller opts in, and decrypts it without an opt-in", async () => {
    const envelope = await encryptPrivateKey(KEY, PIN, { allowWeakSecret: true });
    expect(await decryptPrivateKey(envelope, PIN)).toBe(KEY);
  });

  it("createSessionKey applies the same rule", async () => {
    await expectCode(createSessionKey({ encryptKey: "2468", now: 100 }), "INVALID_INPUT", /encryptKey must be at least 8/);
    const created = await createSessionKey({ encryptKey: "2468", allowWeakSecret: true, now: 100 });
    expect(ec.starkCurve.getStarkKey(await decryptPrivateKey(created.encryptedPrivateKey, "2468"))).toBe(created.publicKey);
  });

  it("requires a non-empty encryptKey, even with allowWeakSecret", async () => {
    await expectCode(encryptPrivateKey(KEY, ""), "INVALID_INPUT");
    await expectCode(encryptPrivateKey(KEY, "", { allowWeakSecret: true }), "INVALID_INPUT");
    await expectCode(decryptPrivateKey(await encryptPrivateKey(KEY, SECRET), ""), "INVALID_INPUT");
  });
});

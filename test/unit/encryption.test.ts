import { AES } from "crypto-es";
import { ec } from "starknet";
import { describe, expect, it } from "vitest";
import { decryptPrivateKey, encryptPrivateKey, isLegacyBlob, PBKDF2_ITERATIONS, SessionError } from "../../sdk/index.ts";

const KEY = "0x" + "1f".repeat(31);

async function expectDecryptionFailure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SessionError);
  expect((error as SessionError).code).toBe("SESSION_DECRYPTION_FAILED");
}

describe("session key encryption", () => {
  it("round-trips through a v1 envelope: PBKDF2-SHA256 600k + AES-256-GCM", async () => {
    const envelope = await encryptPrivateKey(KEY, "1234");
    const parsed = JSON.parse(envelope);
    expect(parsed).toMatchObject({ v: 1, kdf: "PBKDF2-SHA256", iterations: PBKDF2_ITERATIONS });
    expect(parsed.iterations).toBeGreaterThanOrEqual(600_000);
    expect(envelope).not.toContain(KEY.slice(2));
    expect(await decryptPrivateKey(envelope, "1234")).toBe(KEY);
  });

  it("uses a fresh salt and IV every time", async () => {
    const [a, b] = [JSON.parse(await encryptPrivateKey(KEY, "1234")), JSON.parse(await encryptPrivateKey(KEY, "1234"))];
    expect(a.salt).not.toBe(b.salt);
    expect(a.iv).not.toBe(b.iv);
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it("refuses a wrong PIN", async () => {
    await expectDecryptionFailure(decryptPrivateKey(await encryptPrivateKey(KEY, "1234"), "1235"));
  });

  it("refuses a tampered envelope: ciphertext, salt, or a lowered iteration count", async () => {
    const envelope = JSON.parse(await encryptPrivateKey(KEY, "1234"));
    const flip = (b64: string) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return btoa(String.fromCharCode(...bytes));
    };
    await expectDecryptionFailure(decryptPrivateKey(JSON.stringify({ ...envelope, ciphertext: flip(envelope.ciphertext) }), "1234"));
    await expectDecryptionFailure(decryptPrivateKey(JSON.stringify({ ...envelope, salt: flip(envelope.salt) }), "1234"));
    await expectDecryptionFailure(decryptPrivateKey(JSON.stringify({ ...envelope, iterations: 1000 }), "1234"));
    await expectDecryptionFailure(decryptPrivateKey(JSON.stringify({ ...envelope, iterations: envelope.iterations + 1 }), "1234"));
    await expectDecryptionFailure(decryptPrivateKey("not an envelope", "1234"));
  });

  it("decrypts the legacy OpenSSL Salted__ blobs crypto-es writes (Chipi's format)", async () => {
    const privateKey = "0x" + ec.starkCurve.utils.randomPrivateKey().reduce((hex, byte) => hex + byte.toString(16).padStart(2, "0"), "");
    const blob = AES.encrypt(privateKey, "4321").toString();
    expect(isLegacyBlob(blob)).toBe(true);
    expect(await decryptPrivateKey(blob, "4321")).toBe(privateKey);
    await expectDecryptionFailure(decryptPrivateKey(blob, "4322"));
  });

  it("requires a non-empty encryptKey", async () => {
    await expect(encryptPrivateKey(KEY, "")).rejects.toMatchObject({ code: "INVALID_INPUT" });
  });
});

import { ec, encode } from "starknet";
import { encryptPrivateKey } from "../crypto/encryption.ts";
import { SessionError } from "../errors.ts";

export interface CreateSessionKeyParameters {
  /** PIN or passphrase that encrypts the new private key; at least MIN_SECRET_LENGTH characters unless `allowWeakSecret`. */
  encryptKey: string;
  /**
   * Accept an `encryptKey` shorter than MIN_SECRET_LENGTH, e.g. a 4-digit PIN for a short
   * game session: anyone holding the stored envelope can then guess it offline in under
   * an hour, so this must be a visible decision. Only `true` opts in.
   */
  allowWeakSecret?: boolean;
  /** Lifetime from now, in seconds (default 6 hours, at most 30 days). */
  durationSeconds?: number;
  /** Clock for `validUntil` (unix seconds); defaults to this machine's clock. */
  now?: number;
}

export interface CreateSessionKeyReturnType {
  publicKey: string;
  /** v2 envelope (scrypt + AES-256-GCM), JSON. Store it; nothing else is kept. */
  encryptedPrivateKey: string;
  /** Unix seconds; register the session with exactly this value. */
  validUntil: number;
}

export const MAX_SESSION_DURATION_SECONDS = 30 * 24 * 3600;

/**
 * Generates a session key pair and encrypts its private key. Stores nothing. Refuses an
 * `encryptKey` shorter than MIN_SECRET_LENGTH with INVALID_INPUT unless `allowWeakSecret`.
 *
 * @example
 * const key = await createSessionKey({ encryptKey: "correct horse battery", durationSeconds: 3_600 });
 * const gameKey = await createSessionKey({ encryptKey: "4821", allowWeakSecret: true, durationSeconds: 900 });
 */
export async function createSessionKey({ encryptKey, allowWeakSecret, durationSeconds = 21_600, now }: CreateSessionKeyParameters): Promise<CreateSessionKeyReturnType> {
  if (!Number.isInteger(durationSeconds) || durationSeconds <= 0 || durationSeconds > MAX_SESSION_DURATION_SECONDS) {
    throw new SessionError("INVALID_INPUT", `durationSeconds must be a whole number of seconds between 1 and ${MAX_SESSION_DURATION_SECONDS} (30 days), got ${String(durationSeconds)}`);
  }
  try {
    const privateKey = `0x${encode.buf2hex(ec.starkCurve.utils.randomPrivateKey())}`;
    const start = now ?? Math.floor(Date.now() / 1000);
    return {
      publicKey: ec.starkCurve.getStarkKey(privateKey),
      encryptedPrivateKey: await encryptPrivateKey(privateKey, encryptKey, { allowWeakSecret }),
      validUntil: start + durationSeconds,
    };
  } catch (error) {
    if (error instanceof SessionError) throw error;
    throw new SessionError("SESSION_CREATION_FAILED", "could not create the session key", { cause: error });
  }
}

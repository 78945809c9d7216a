// The account's session signature layouts, assembled in one place: the SessionSigner uses
// it, and so can a server that holds the pieces (split signing, a relayer's wallet API).
// contracts/signature.cairo parses exactly these.
import { type BigNumberish, num, shortString } from "starknet";
import { encodeSessionAuthorization, type SessionAuthorization } from "../authorization/sessionAuthorization.ts";
import { SessionError } from "../errors.ts";

/** Leads a policy session's signature (contracts/signature.cairo). */
export const POLICY_SIGNATURE_MAGIC = shortString.encodeShortString("SESSION_POLICY_V1");

/** Leads the first use of a session authorized off-chain (contracts/signature.cairo). */
export const SESSION_AUTHORIZATION_MAGIC = shortString.encodeShortString("SESSION_AUTH_V1");

export interface SessionSignatureLayoutParameters {
  sessionPublicKey: string;
  /** The session key's ECDSA signature of `sessionMessageHash(hash, generation)`. */
  r: BigNumberish;
  s: BigNumberish;
  /** The session's `valid_until` (unix seconds). */
  validUntil: number | bigint;
  /**
   * `Serde(Span<CallProof>)` of the calls (`encodeCallProofs`; `["0x0"]` for none): signs in
   * the policy format. Omit it for a SNIP session.
   */
  proofs?: readonly string[];
  /**
   * The owner's authorization, for the first use of a session authorized off-chain: it
   * leads the signature. Such a session is a policy session: `proofs` default to none.
   */
  authorization?: SessionAuthorization;
}

/**
 * - SNIP: `[session_pubkey, r, s, valid_until]`;
 * - policy: `[POLICY_SIGNATURE_MAGIC, session_pubkey, r, s, valid_until, ...proofs]`;
 * - first use of an authorized session: `[SESSION_AUTHORIZATION_MAGIC,
 *   ...Serde(SessionAuthorization), ...policy layout]`.
 *
 * @example
 * sessionSignatureLayout({ sessionPublicKey, r, s, validUntil, proofs: ["0x0"], authorization })
 */
export function sessionSignatureLayout({ sessionPublicKey, r, s, validUntil, proofs, authorization }: SessionSignatureLayoutParameters): string[] {
  const session = [num.toHex(sessionPublicKey), num.toHex(r), num.toHex(s), num.toHex(validUntil)];
  if (authorization === undefined) return proofs === undefined ? session : [POLICY_SIGNATURE_MAGIC, ...session, ...proofs];
  if (BigInt(authorization.terms.sessionKey) !== BigInt(sessionPublicKey)) throw new SessionError("INVALID_INPUT", "the authorization is for another session key");
  return [SESSION_AUTHORIZATION_MAGIC, ...encodeSessionAuthorization(authorization), POLICY_SIGNATURE_MAGIC, ...session, ...(proofs ?? ["0x0"])];
}

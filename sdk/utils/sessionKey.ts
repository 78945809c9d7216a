// The session key a caller hands to an action: in clear, or encrypted with its secret.
import { ec } from "starknet";
import { assertAuthorizationFor, parseSessionAuthorization, type SessionAuthorization } from "../authorization/sessionAuthorization.ts";
import { decryptPrivateKey } from "../crypto/encryption.ts";
import { SessionError } from "../errors.ts";
import type { MethodPolicy } from "../policies/methods.ts";
import { parsePrivateKey } from "./keys.ts";

export type SessionKeyInput = (
  | { privateKey: string; validUntil: number | bigint }
  | { encryptedPrivateKey: string; encryptKey: string; validUntil: number | bigint }
) & {
  /**
   * A policy session's method policy (`buildMethodPolicy(entries)`, or its `serialize()`
   * text): the SDK attaches its proofs to every signature.
   */
  methodPolicy?: MethodPolicy | string;
  /**
   * For a session the owner authorized off-chain (`authorizeSession`), the authorization
   * (or its `serializeSessionAuthorization` text): the SDK sends it with the session's first
   * transaction, while the account has no record of the key, and the account registers the
   * session from it.
   */
  authorization?: SessionAuthorization | string;
};

export interface ResolvedSessionKey {
  privateKey: string;
  publicKey: string;
  validUntil: bigint;
  methodPolicy: MethodPolicy | undefined;
  authorization: SessionAuthorization | undefined;
}

export async function resolveSessionKey(input: SessionKeyInput): Promise<ResolvedSessionKey> {
  const validUntil = BigInt(input.validUntil);
  if (validUntil <= 0n || validUntil >= 2n ** 64n) throw new SessionError("INVALID_INPUT", "validUntil must be a unix time in seconds (a positive u64)");
  const raw = "privateKey" in input ? input.privateKey : await decryptPrivateKey(input.encryptedPrivateKey, input.encryptKey);
  let privateKey: string;
  try {
    privateKey = parsePrivateKey(raw, "session private key");
  } catch (error) {
    throw new SessionError("INVALID_INPUT", (error as Error).message, { cause: error });
  }
  // Loaded only for a policy session: a dApp without policies does not ship the Merkle code.
  const methodPolicy = typeof input.methodPolicy === "string" ? (await import("../policies/methods.ts")).methodPolicyFromJSON(input.methodPolicy) : input.methodPolicy;
  const authorization = input.authorization === undefined ? undefined : parseSessionAuthorization(input.authorization);
  const publicKey = ec.starkCurve.getStarkKey(privateKey);
  if (authorization !== undefined) assertAuthorizationFor(authorization, { sessionPublicKey: publicKey, validUntil });
  return { privateKey, publicKey, validUntil, methodPolicy, authorization };
}

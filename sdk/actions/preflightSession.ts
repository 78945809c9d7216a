import { type ProviderInterface, num } from "starknet";
import { type SessionAuthorization, sessionAuthorizationHash } from "../authorization/sessionAuthorization.ts";
import { errorFromReason, SessionError } from "../errors.ts";
import type { MethodPolicy } from "../policies/methods.ts";
import { type CallProofEncoder, NO_METHOD_POLICY } from "../signers/sessionSigner.ts";
import type { NormalizedCall } from "../utils/calls.ts";
import { getSessionStatus } from "./getSessionStatus.ts";
import { assertSessionSupport } from "./supportsSessions.ts";

export interface SessionContext {
  /** The registration the session signs under (`get_session_generation`). */
  generation: bigint;
  /** The chain the provider is on (hex). */
  chainId: string;
  /**
   * For a policy session, what its signatures must carry (`NO_METHOD_POLICY` without a
   * method root); undefined for a SNIP session.
   */
  policy: CallProofEncoder | undefined;
  /**
   * The owner's authorization to send with the signature: set only while the account has
   * no record of the key (its first use registers it, under generation 1).
   */
  authorization?: SessionAuthorization;
}

/**
 * Asks the account, before anything is signed, whether it would accept this session for
 * these calls: SRC-5 support, the dry-run `session_status`, and the registered
 * valid_until. Throws the typed error the send would end in; returns what the signer
 * binds its signature to.
 */
export async function preflightSession(
  provider: ProviderInterface,
  accountAddress: string,
  session: { publicKey: string; validUntil: bigint; methodPolicy?: MethodPolicy | undefined; authorization?: SessionAuthorization | undefined },
  calls: readonly NormalizedCall[],
): Promise<SessionContext> {
  await assertSessionSupport({ provider, accountAddress });
  if (session.authorization !== undefined) {
    const firstUse = await authorizationFirstUse(provider, accountAddress, session as typeof session & { authorization: SessionAuthorization }, calls);
    if (firstUse !== undefined) return firstUse;
  }
  const [reason, [registered], [generation], chainId, policyView] = await Promise.all([
    getSessionStatus({ provider, accountAddress, sessionPublicKey: session.publicKey, calls }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_data", calldata: [session.publicKey] }, "pre_confirmed"),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_generation", calldata: [session.publicKey] }, "pre_confirmed"),
    provider.getChainId(),
    // (has_policy, SessionPolicy { valid_after, methods_root, ... }, usage)
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_policy", calldata: [session.publicKey] }, "pre_confirmed"),
  ]);
  if (reason !== "OK") throw errorFromReason(reason);
  if (BigInt(registered ?? 0) !== session.validUntil) {
    throw new SessionError("SESSION_VALID_UNTIL_MISMATCH", `the session is registered until ${BigInt(registered ?? 0)}, not ${session.validUntil}`, { reason: "VALID_UNTIL_MISMATCH" });
  }
  const endsItself = calls.length === 1 && calls[0]?.entrypoint === "end_session" && BigInt(calls[0].contractAddress) === BigInt(accountAddress);
  // A session ending itself needs no method proof (the account allows it whatever the policy).
  const policy = endsItself && BigInt(policyView[0] ?? 0) === 1n ? NO_METHOD_POLICY : await policyProver(policyView, session.methodPolicy, calls);
  return { generation: BigInt(generation ?? 0), chainId: num.toHex(chainId), policy };
}

/**
 * For a session given with the owner's authorization: undefined once the account recorded
 * this authorization for the key (the session is registered: the usual preflight applies);
 * the first-use context while the key has no record; otherwise the reason the account
 * would refuse the authorization, thrown.
 */
async function authorizationFirstUse(
  provider: ProviderInterface,
  accountAddress: string,
  session: { publicKey: string; validUntil: bigint; methodPolicy?: MethodPolicy | undefined; authorization: SessionAuthorization },
  calls: readonly NormalizedCall[],
): Promise<SessionContext | undefined> {
  const { authorization } = session;
  const { terms } = authorization;
  const call = (entrypoint: string, calldata: string[] = []) => provider.callContract({ contractAddress: accountAddress, entrypoint, calldata }, "pre_confirmed");
  const [[generation], [recorded], [revoked], [epoch], chainId, block] = await Promise.all([
    call("get_session_generation", [session.publicKey]),
    call("get_session_authorization", [session.publicKey]),
    call("is_session_revoked", [session.publicKey]),
    call("get_sessions_epoch"),
    provider.getChainId(),
    provider.getBlockWithTxHashes("latest"),
  ]);
  const refused = (reason: "AUTHORIZATION_INVALID" | "AUTHORIZATION_REVOKED" | "AUTHORIZATION_CONFLICT", details: string) => errorFromReason(reason, { details });
  if (BigInt(authorization.accountAddress) !== BigInt(accountAddress) || BigInt(authorization.chainId) !== BigInt(chainId)) {
    throw refused("AUTHORIZATION_INVALID", `the authorization is for account ${authorization.accountAddress} on chain ${authorization.chainId}`);
  }
  const hash = sessionAuthorizationHash(authorization);
  if (BigInt(generation ?? 0) !== 0n) {
    if (BigInt(revoked ?? 0) === 1n) throw refused("AUTHORIZATION_REVOKED", "the session's key was revoked");
    if (BigInt(recorded ?? 0) === BigInt(hash)) return undefined;
    throw refused("AUTHORIZATION_CONFLICT", "the key holds a session this authorization did not create");
  }
  if (BigInt(epoch ?? 0) !== BigInt(terms.epoch)) throw refused("AUTHORIZATION_REVOKED", "every session was revoked since the authorization was signed");
  if (block.timestamp >= terms.validUntil) throw errorFromReason("EXPIRED");
  if (block.timestamp < terms.validAfter) throw errorFromReason("NOT_YET_VALID");
  const endsItself = calls.length === 1 && calls[0]?.entrypoint === "end_session" && BigInt(calls[0].contractAddress) === BigInt(accountAddress);
  // The first use registers a policy session: its root is the terms'.
  const policy = endsItself ? NO_METHOD_POLICY : await policyProver(["0x1", "0x0", terms.methodsRoot], session.methodPolicy, calls);
  return { generation: 1n, chainId: num.toHex(chainId), policy, authorization };
}

/** What a policy session signs with, checked against the account's root before any signature. */
async function policyProver(view: string[], methodPolicy: MethodPolicy | undefined, calls: readonly NormalizedCall[]): Promise<CallProofEncoder | undefined> {
  if (BigInt(view[0] ?? 0) !== 1n) return undefined;
  const root = BigInt(view[2] ?? 0);
  if (root === 0n) return NO_METHOD_POLICY;
  if (methodPolicy === undefined) {
    throw new SessionError("SESSION_POLICY_PROOF_MISSING", "this session has a method policy: pass its policy (session.methodPolicy) so the SDK can prove each call", { reason: "POLICY_PROOF_MISSING" });
  }
  if (BigInt(methodPolicy.root) !== root) {
    throw new SessionError("SESSION_POLICY_PROOF_MISSING", `the method policy given has root ${methodPolicy.root}, the account's session ${num.toHex(root)}`, { reason: "POLICY_PROOF_MISSING" });
  }
  // Loaded only for a policy session with methods (the Merkle code stays out of other dApps' bundles).
  const { methodPolicyProver } = await import("../policies/methods.ts");
  const prover = methodPolicyProver(methodPolicy);
  try {
    // Fails before anything is signed when a call is outside the policy.
    prover.encodeCallProofs(calls.map((call) => ({ to: call.contractAddress, selector: call.selector, calldata: call.calldata })));
  } catch (error) {
    if (error instanceof SessionError) throw error;
    throw new SessionError("SESSION_METHOD_NOT_ALLOWED", (error as Error).message, { reason: "METHOD_NOT_ALLOWED", cause: error });
  }
  return prover;
}

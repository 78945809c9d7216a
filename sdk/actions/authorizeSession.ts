import { num, type ProviderInterface, type Signature, type TypedData, typedData as typedDataUtils, ec } from "starknet";
import {
  normalizeSessionTerms,
  ownerSignaturePair,
  type SessionAuthorization,
  sessionAuthorizationTypedData,
  type SessionTerms,
  type SpendingLimitInput,
} from "../authorization/sessionAuthorization.ts";
import type { SessionPolicyInput } from "../builders/sessionCalls.ts";
import { SessionError } from "../errors.ts";
import type { MethodPolicy, MethodPolicyEntry } from "../policies/methods.ts";
import { parseAddress } from "../utils/keys.ts";
import { assertSessionSupport } from "./supportsSessions.ts";

export interface AuthorizeSessionParameters {
  provider: ProviderInterface;
  accountAddress: string;
  /** A key the account has never seen (`createSessionKey`): an authorization registers only such keys. */
  sessionPublicKey: string;
  /** Unix seconds, in the future. */
  validUntil: number;
  /** How many transactions the session may send (1..2^32-1). */
  maxCalls: number;
  /** As `addSessionKeyToContract`'s policy: methods (a Merkle root), start time, fee cap and budget, rate limit. */
  policy?: Omit<SessionPolicyInput, "methodsRoot"> & { methods?: MethodPolicyEntry[] };
  /** Per-token spending limits (the SNIP's spending policy), registered with the session. */
  spendingLimits?: SpendingLimitInput[];
  /** Says that a session without `policy.methods` (any contract's non-admin entrypoints) is meant. */
  allowAnyEntrypoint?: boolean;
}

export interface AuthorizeSessionReturnType {
  /** The SNIP-12 typed data the owner signs: any owner signer (`account.signMessage`, a wallet's `signTypedData`). */
  typedData: TypedData;
  /** Its message hash for the account: what the owner's key signs, and the authorization's identity. */
  messageHash: string;
  /** The terms signed (JSON-safe): with the owner's `[r, s]` they make the `SessionAuthorization`, e.g. on a server. */
  terms: SessionTerms;
  /** The authorization to hand to the session's holder, once the owner signed (`[r, s]` or `{ r, s }`); checked against the owner's key. */
  authorization(ownerSignature: Signature): SessionAuthorization;
  /** The method policy to keep with the session (pass it as `session.methodPolicy`), when `policy.methods` was given. */
  methodPolicy?: MethodPolicy;
}

const felt = (value: string | undefined) => BigInt(value ?? 0);

/** ECDSA as the account checks it: against the x coordinate alone (either point with it). */
function verifiesForStarkKey([r, s]: [string, string], messageHash: string, starkKey: bigint): boolean {
  const signature = new ec.starkCurve.Signature(BigInt(r), BigInt(s));
  const x = starkKey.toString(16).padStart(64, "0");
  return ["02", "03"].some((prefix) => {
    try {
      return ec.starkCurve.verify(signature, messageHash, `${prefix}${x}`);
    } catch {
      return false;
    }
  });
}

/**
 * Builds an off-chain authorization of a session: the SNIP-12 `Session` the owner signs,
 * committing to everything the session may do, bound to this account, its chain and its
 * current revoke-all epoch. Nothing is sent: the session's first transaction carries the
 * owner's signature and the account registers the session from it. Refuses, before the
 * owner signs, terms the account could not register, the owner's own key, and a key the
 * account has seen already (revoked: SESSION_AUTHORIZATION_REVOKED; registered:
 * SESSION_AUTHORIZATION_CONFLICT).
 *
 * @example
 * const { typedData, authorization } = await authorizeSession({ provider, accountAddress, sessionPublicKey, validUntil, maxCalls: 20, policy: { methods } });
 * const signed = authorization(await ownerAccount.signMessage(typedData));
 */
export async function authorizeSession({ provider, accountAddress, sessionPublicKey, validUntil, maxCalls, policy, spendingLimits = [], allowAnyEntrypoint }: AuthorizeSessionParameters): Promise<AuthorizeSessionReturnType> {
  let address: string;
  try {
    address = parseAddress(accountAddress, "accountAddress");
  } catch (error) {
    throw new SessionError("INVALID_INPUT", (error as Error).message, { cause: error });
  }
  const { methods, ...rest } = policy ?? {};
  if ((methods === undefined || methods.length === 0) && allowAnyEntrypoint !== true) {
    throw new SessionError("INVALID_INPUT", "a session without policy.methods may call any contract's non-admin entrypoints: pass allowAnyEntrypoint: true to mean it");
  }
  const methodPolicy = methods && methods.length > 0 ? (await import("../policies/methods.ts")).buildMethodPolicy(methods) : undefined;
  await assertSessionSupport({ provider, accountAddress: address });
  const call = (entrypoint: string, calldata: string[] = []) => provider.callContract({ contractAddress: address, entrypoint, calldata }, "pre_confirmed");
  const [chainId, [epoch], [owner], [generation], [revoked], block] = await Promise.all([
    provider.getChainId(),
    call("get_sessions_epoch"),
    call("get_public_key"),
    call("get_session_generation", [sessionPublicKey]),
    call("is_session_revoked", [sessionPublicKey]),
    provider.getBlockWithTxHashes("latest"),
  ]);
  const terms: SessionTerms = normalizeSessionTerms({
    sessionKey: sessionPublicKey,
    validAfter: rest.validAfter ?? 0,
    validUntil,
    maxCalls,
    methodsRoot: methodPolicy?.root ?? "0x0",
    maxFeePerTx: (rest.maxFeePerTx ?? 0n).toString(),
    feeBudget: (rest.feeBudget ?? 0n).toString(),
    maxTransactions: rest.rateLimit?.maxTransactions ?? 0,
    periodSeconds: rest.rateLimit?.periodSeconds ?? 0,
    spendingLimits: spendingLimits.map((limit) => ({ ...limit, maxPerCall: String(limit.maxPerCall), maxPerWindow: String(limit.maxPerWindow) })),
    epoch: Number(felt(epoch)),
  });
  if (validUntil <= block.timestamp) throw new SessionError("INVALID_INPUT", "validUntil must be in the future");
  const ownerKey = felt(owner);
  if (ownerKey === BigInt(terms.sessionKey)) {
    throw new SessionError("SESSION_INVALID_KEY", "the session key is the account owner's key: a session needs a key of its own", { reason: "INVALID_SESSION_KEY" });
  }
  if (felt(generation) !== 0n) {
    if (felt(revoked) === 1n) throw new SessionError("SESSION_AUTHORIZATION_REVOKED", "this key was revoked on the account: an authorization of it could never be used; create a new session key", { reason: "AUTHORIZATION_REVOKED" });
    throw new SessionError("SESSION_AUTHORIZATION_CONFLICT", "the account has seen this key already: an authorization registers only a key never used; create a new session key", { reason: "AUTHORIZATION_CONFLICT" });
  }
  const chain = num.toHex(chainId);
  const data = sessionAuthorizationTypedData({ chainId: chain, terms });
  const messageHash = num.toHex(typedDataUtils.getMessageHash(data, address));
  const authorization = (ownerSignature: Signature): SessionAuthorization => {
    const pair = ownerSignaturePair(ownerSignature);
    if (!verifiesForStarkKey(pair, messageHash, ownerKey)) {
      throw new SessionError("SESSION_AUTHORIZATION_INVALID", "the signature is not the account owner's over this authorization's typed data", { reason: "AUTHORIZATION_INVALID" });
    }
    return { accountAddress: address, chainId: chain, terms, ownerSignature: pair };
  };
  return { typedData: data, messageHash, terms, authorization, ...(methodPolicy ? { methodPolicy } : {}) };
}

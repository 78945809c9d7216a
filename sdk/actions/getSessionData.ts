import { CallData, num, type ProviderInterface } from "starknet";
import { parseSessionAuthorization, type SessionAuthorization, sessionAuthorizationHash } from "../authorization/sessionAuthorization.ts";
import { errorFromReason } from "../errors.ts";
import { blockedEntrypointName } from "../utils/blocklist.ts";

export interface GetSessionDataParameters {
  provider: ProviderInterface;
  accountAddress: string;
  sessionPublicKey: string;
  /**
   * The owner's authorization of this session, if it was authorized off-chain: before its
   * first use the account knows nothing of it, so its terms tell what the session may do.
   */
  authorization?: SessionAuthorization | string;
}

/** `authorized`: authorized off-chain and not used yet; its first transaction registers it. */
export type SessionStatus = "active" | "authorized" | "not_yet_valid" | "expired" | "exhausted" | "revoked" | "not_registered";

export interface GetSessionDataReturnType {
  isActive: boolean;
  status: SessionStatus;
  /** Unix seconds; 0 when revoked or never registered. */
  validUntil: number;
  maxCalls: number;
  callsUsed: number;
  remainingCalls: number;
  /** Selectors (hex); empty means any entrypoint that is not blocked. */
  allowedEntrypoints: string[];
  /**
   * The whitelist's admin selectors (`upgrade`, ...), if it names any: the account accepts
   * them at registration, as the SNIP does, and refuses them at every call, so these are
   * never usable whatever `allowedEntrypoints` says.
   */
  blockedEntrypoints?: string[];
  /** The key's registration number (grows on every registration, update and revocation); a `SessionSigner` signs under it. */
  generation: number;
  /** The account's cap on one session transaction's worst-case fee, in FRI (0 when not live). */
  maxFeePerTx: bigint;
  /**
   * A session authorized off-chain: the owner's authorization (its SNIP-12 message hash) and
   * whether its first use has registered the session. From the account's record
   * (`get_session_authorization`), or from the `authorization` passed while it is unused.
   */
  offChain?: { authorizationHash: string; firstUsed: boolean };
  /** A policy session's policy and what it used; undefined for a SNIP session. */
  policy?: {
    validAfter: number;
    /** 0x0 when the session has no method policy. */
    methodsRoot: string;
    feeBudget: bigint;
    feeSpent: bigint;
    rateLimit?: { maxTransactions: number; periodSeconds: number; windowStart: number; usedInWindow: number };
  };
}

const felt = (value: string | undefined) => BigInt(value ?? 0);

/**
 * Reads a session from the account: the SNIP view, the whitelist, the revoked flag, the
 * generation, the authorization that created it (if any), and the time. With the owner's
 * `authorization` of a session not used yet, reports it from its terms (`authorized`, or
 * why it could not be used: `expired`, `not_yet_valid`, `revoked`).
 */
export async function getSessionData({ provider, accountAddress, sessionPublicKey, authorization }: GetSessionDataParameters): Promise<GetSessionDataReturnType> {
  const key = CallData.compile([sessionPublicKey]);
  const [data, entrypoints, revoked, generation, maxFee, policyView, block, recorded, epoch] = await Promise.all([
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_data", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_allowed_entrypoints", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "is_session_revoked", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_generation", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_max_fee", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_policy", calldata: key }),
    provider.getBlockWithTxHashes("latest"),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_authorization", calldata: key }),
    authorization === undefined ? Promise.resolve(["0x0"]) : provider.callContract({ contractAddress: accountAddress, entrypoint: "get_sessions_epoch", calldata: [] }),
  ]);
  const [validUntil, maxCalls, callsUsed] = [felt(data[0]), felt(data[1]), felt(data[2])];
  // get_allowed_entrypoints returns a Cairo array: its length, then the items.
  const allowedEntrypoints = entrypoints.slice(1).map((selector) => num.toHex(selector));
  let status: SessionStatus;
  if (validUntil === 0n) status = felt(revoked[0]) === 1n ? "revoked" : "not_registered";
  else if (BigInt(block.timestamp) > validUntil) status = "expired";
  else if (callsUsed >= maxCalls) status = "exhausted";
  else status = "active";
  // (has_policy, valid_after, methods_root, max_fee_per_tx, fee_budget, max_transactions, period, fee_spent, window_start, window_used)
  const [hasPolicy, validAfter, methodsRoot, , feeBudget, maxTransactions, periodSeconds, feeSpent, windowStart, windowUsed] = policyView.map((value) => BigInt(value));
  if (hasPolicy === 1n && validAfter !== undefined && BigInt(block.timestamp) < validAfter && status === "active") status = "not_yet_valid";
  const result: GetSessionDataReturnType = {
    isActive: status === "active",
    status,
    validUntil: Number(validUntil),
    maxCalls: Number(maxCalls),
    callsUsed: Number(callsUsed),
    remainingCalls: Number(maxCalls > callsUsed ? maxCalls - callsUsed : 0n),
    allowedEntrypoints,
    generation: Number(felt(generation[0])),
    maxFeePerTx: felt(maxFee[0]),
  };
  const blocked = allowedEntrypoints.filter((selector) => blockedEntrypointName(selector) !== undefined);
  if (blocked.length > 0) result.blockedEntrypoints = blocked;
  const recordedHash = felt(recorded[0]);
  if (recordedHash !== 0n) result.offChain = { authorizationHash: num.toHex(recordedHash), firstUsed: true };
  if (authorization !== undefined && recordedHash === 0n && felt(generation[0]) === 0n) {
    // Authorized off-chain, not used yet: what its terms allow.
    const parsed = parseSessionAuthorization(authorization);
    const { terms } = parsed;
    if (BigInt(parsed.accountAddress) !== BigInt(accountAddress) || BigInt(terms.sessionKey) !== BigInt(sessionPublicKey)) {
      throw errorFromReason("AUTHORIZATION_INVALID", { details: "the authorization is for another account or session key" });
    }
    const now = BigInt(block.timestamp);
    let unused: SessionStatus;
    if (felt(epoch[0]) !== BigInt(terms.epoch)) unused = "revoked";
    else if (now >= BigInt(terms.validUntil)) unused = "expired";
    else if (now < BigInt(terms.validAfter)) unused = "not_yet_valid";
    else unused = "authorized";
    result.offChain = { authorizationHash: sessionAuthorizationHash(parsed), firstUsed: false };
    return {
      ...result,
      isActive: unused === "authorized",
      status: unused,
      validUntil: terms.validUntil,
      maxCalls: terms.maxCalls,
      remainingCalls: terms.maxCalls,
      maxFeePerTx: BigInt(terms.maxFeePerTx) === 0n ? 10n ** 18n : BigInt(terms.maxFeePerTx),
      policy: {
        validAfter: terms.validAfter,
        methodsRoot: num.toHex(terms.methodsRoot),
        feeBudget: BigInt(terms.feeBudget),
        feeSpent: 0n,
        ...(terms.maxTransactions ? { rateLimit: { maxTransactions: terms.maxTransactions, periodSeconds: terms.periodSeconds, windowStart: 0, usedInWindow: 0 } } : {}),
      },
    };
  }
  if (hasPolicy === 1n) {
    result.policy = {
      validAfter: Number(validAfter ?? 0n),
      methodsRoot: `0x${(methodsRoot ?? 0n).toString(16)}`,
      feeBudget: feeBudget ?? 0n,
      feeSpent: feeSpent ?? 0n,
      ...(maxTransactions ? { rateLimit: { maxTransactions: Number(maxTransactions), periodSeconds: Number(periodSeconds ?? 0n), windowStart: Number(windowStart ?? 0n), usedInWindow: Number(windowUsed ?? 0n) } } : {}),
    };
  }
  return result;
}

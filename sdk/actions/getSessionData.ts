import { CallData, num, type ProviderInterface } from "starknet";

export interface GetSessionDataParameters {
  provider: ProviderInterface;
  accountAddress: string;
  sessionPublicKey: string;
}

export type SessionStatus = "active" | "not_yet_valid" | "expired" | "exhausted" | "revoked" | "not_registered";

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
  /** The key's registration number (grows on every registration, update and revocation); a `SessionSigner` signs under it. */
  generation: number;
  /** The account's cap on one session transaction's worst-case fee, in FRI (0 when not live). */
  maxFeePerTx: bigint;
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

/** Reads a session from the account: the SNIP view, the whitelist, the revoked flag, the generation, and the time. */
export async function getSessionData({ provider, accountAddress, sessionPublicKey }: GetSessionDataParameters): Promise<GetSessionDataReturnType> {
  const key = CallData.compile([sessionPublicKey]);
  const [data, entrypoints, revoked, generation, maxFee, policyView, block] = await Promise.all([
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_data", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_allowed_entrypoints", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "is_session_revoked", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_generation", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_max_fee", calldata: key }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_policy", calldata: key }),
    provider.getBlockWithTxHashes("latest"),
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

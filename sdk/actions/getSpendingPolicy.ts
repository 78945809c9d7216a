import type { ProviderInterface } from "starknet";

export interface GetSpendingPolicyParameters {
  provider: ProviderInterface;
  accountAddress: string;
  sessionPublicKey: string;
  token: string;
}

export interface GetSpendingPolicyReturnType {
  /** False when the live session has no spending policy for the token. */
  isSet: boolean;
  maxPerCall: bigint;
  maxPerWindow: bigint;
  windowSeconds: number;
  spentInWindow: bigint;
  windowStart: number;
}

/** A session's spending policy for a token, and what it spent in the current window (the SNIP's view). */
export async function getSpendingPolicy({ provider, accountAddress, sessionPublicKey, token }: GetSpendingPolicyParameters): Promise<GetSpendingPolicyReturnType> {
  const felts = (await provider.callContract({ contractAddress: accountAddress, entrypoint: "get_spending_policy", calldata: [sessionPublicKey, token] }, "pre_confirmed")).map((value) => BigInt(value));
  // SpendingPolicy { max_per_call: u256, max_per_window: u256, window_seconds: u64, spent_in_window: u256, window_start: u64 }
  const u256 = (at: number) => (felts[at] ?? 0n) + ((felts[at + 1] ?? 0n) << 128n);
  const windowSeconds = Number(felts[4] ?? 0n);
  return { isSet: windowSeconds !== 0, maxPerCall: u256(0), maxPerWindow: u256(2), windowSeconds, spentInWindow: u256(5), windowStart: Number(felts[7] ?? 0n) };
}

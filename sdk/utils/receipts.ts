// One way to wait for a sent transaction and read what it cost.
import type { ProviderInterface } from "starknet";
import { SessionError, toSessionError } from "../errors.ts";

export interface SettledTransaction {
  transactionHash: string;
  /** Fee the sender paid, in FRI. */
  fee: bigint;
}

/**
 * Waits for `transactionHash`; returns its fee, or throws the typed error of its revert
 * (a reason code only when `accountAddress`'s own frame raised it).
 */
export async function settle(provider: ProviderInterface, transactionHash: string, accountAddress: string): Promise<SettledTransaction> {
  let receipt;
  try {
    receipt = await provider.waitForTransaction(transactionHash);
  } catch (error) {
    throw toSessionError(error, { accountAddress });
  }
  const value = receipt.value as { actual_fee?: { amount: string }; revert_reason?: string };
  if (!receipt.isSuccess()) {
    const reason = value.revert_reason ?? "";
    const error = toSessionError(reason, { accountAddress });
    // Included and reverted, even when the node names no frame.
    throw error.code === "TRANSACTION_REJECTED" ? new SessionError("TRANSACTION_REVERTED", `transaction ${transactionHash} reverted`, { details: reason }) : error;
  }
  return { transactionHash, fee: BigInt(value.actual_fee?.amount ?? 0) };
}

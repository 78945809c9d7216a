// Sending an owner call with the same fee discipline as session sends: the SDK estimates,
// refuses bounds above the ceiling, and signs exactly those bounds with an explicit tip.
import type { Account, Call } from "starknet";
import { toSessionError } from "../errors.ts";
import { assertWithinFeeLimit, type FeeLimits, resolveFeeLimits } from "./fees.ts";
import { type SettledTransaction, settle } from "./receipts.ts";

export async function sendOwnerCalls(account: Account, calls: Call[], fees: FeeLimits): Promise<SettledTransaction> {
  const { maxFee, tip } = resolveFeeLimits(fees);
  let transactionHash: string;
  try {
    const estimate = await account.estimateInvokeFee(calls, { tip });
    assertWithinFeeLimit(estimate.resourceBounds, tip, maxFee);
    ({ transaction_hash: transactionHash } = await account.execute(calls, { resourceBounds: estimate.resourceBounds, tip }));
  } catch (error) {
    throw toSessionError(error, { accountAddress: account.address });
  }
  return settle(account.provider, transactionHash, account.address);
}

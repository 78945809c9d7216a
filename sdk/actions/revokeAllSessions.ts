import type { Account } from "starknet";
import { getRevokeAllSessionsCall } from "../builders/sessionCalls.ts";
import type { FeeLimits } from "../utils/fees.ts";
import { sendOwnerCalls } from "../utils/ownerSend.ts";
import { assertSessionSupport } from "./supportsSessions.ts";

export interface RevokeAllSessionsParameters extends FeeLimits {
  /** The account, signing as its owner. */
  account: Account;
}

export interface RevokeAllSessionsReturnType {
  transactionHash: string;
  /** Fee paid by the account, in FRI. */
  fee: bigint;
}

/** Ends every session of the account at once (owner-signed, O(1) whatever their number); waits for it. */
export async function revokeAllSessions({ account, maxFee, tip }: RevokeAllSessionsParameters): Promise<RevokeAllSessionsReturnType> {
  const call = getRevokeAllSessionsCall({ accountAddress: account.address });
  await assertSessionSupport({ provider: account.provider, accountAddress: account.address });
  return sendOwnerCalls(account, [call], { ...(maxFee === undefined ? {} : { maxFee }), ...(tip === undefined ? {} : { tip }) });
}

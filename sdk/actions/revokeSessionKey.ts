import type { Account } from "starknet";
import { getRevokeSessionKeyCall } from "../builders/sessionCalls.ts";
import type { FeeLimits } from "../utils/fees.ts";
import { sendOwnerCalls } from "../utils/ownerSend.ts";
import { assertSessionSupport } from "./supportsSessions.ts";

export interface RevokeSessionKeyParameters extends FeeLimits {
  /** The account, signing as its owner. */
  account: Account;
  sessionPublicKey: string;
}

export interface RevokeSessionKeyReturnType {
  transactionHash: string;
  /** Fee paid by the account, in FRI. */
  fee: bigint;
}

/**
 * Revokes a session (owner-signed); waits for it. Every signature the session made
 * before, sent or not, stops verifying. Revoking what is not live throws its reason.
 */
export async function revokeSessionKey({ account, sessionPublicKey, maxFee, tip }: RevokeSessionKeyParameters): Promise<RevokeSessionKeyReturnType> {
  const call = getRevokeSessionKeyCall({ accountAddress: account.address, sessionPublicKey });
  await assertSessionSupport({ provider: account.provider, accountAddress: account.address });
  return sendOwnerCalls(account, [call], { ...(maxFee === undefined ? {} : { maxFee }), ...(tip === undefined ? {} : { tip }) });
}

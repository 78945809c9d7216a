import type { Account } from "starknet";
import { getAddSessionKeyCall, type GetAddSessionKeyCallParameters } from "../builders/sessionCalls.ts";
import { SessionError } from "../errors.ts";
import type { FeeLimits } from "../utils/fees.ts";
import { sendOwnerCalls } from "../utils/ownerSend.ts";
import { assertSessionSupport } from "./supportsSessions.ts";

export interface AddSessionKeyToContractParameters extends Omit<GetAddSessionKeyCallParameters, "accountAddress">, FeeLimits {
  /** The account, signing as its owner. */
  account: Account;
}

export interface AddSessionKeyToContractReturnType {
  transactionHash: string;
  /** Fee paid by the account, in FRI. */
  fee: bigint;
}

/**
 * Registers (or replaces) a session on the account, signed by the owner; waits for it.
 * Refuses the owner's own key before sending (the account refuses it too), and a
 * worst-case fee above `maxFee` (default 1 STRK); the tip is `tip` (default 0).
 */
export async function addSessionKeyToContract({ account, maxFee, tip, ...session }: AddSessionKeyToContractParameters): Promise<AddSessionKeyToContractReturnType> {
  const call = getAddSessionKeyCall({ accountAddress: account.address, ...session });
  await assertSessionSupport({ provider: account.provider, accountAddress: account.address });
  const [owner] = await account.provider.callContract({ contractAddress: account.address, entrypoint: "get_public_key" });
  if (BigInt(owner ?? 0) === BigInt(session.sessionPublicKey)) {
    throw new SessionError("SESSION_INVALID_KEY", "the session key is the account owner's key: a session needs a key of its own", { reason: "INVALID_SESSION_KEY" });
  }
  return sendOwnerCalls(account, [call], { ...(maxFee === undefined ? {} : { maxFee }), ...(tip === undefined ? {} : { tip }) });
}

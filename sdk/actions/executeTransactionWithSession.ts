import { Account, type Call, type ProviderInterface } from "starknet";
import { SessionError, toSessionError } from "../errors.ts";
import { findReasonCode } from "../reasons.ts";
import { SessionSigner } from "../signers/sessionSigner.ts";
import { checkCalls } from "../utils/calls.ts";
import { resolveSessionKey, type SessionKeyInput } from "../utils/sessionKey.ts";
import { preflightSession } from "./preflightSession.ts";

export interface ExecuteTransactionWithSessionParameters {
  provider: ProviderInterface;
  accountAddress: string;
  session: SessionKeyInput;
  calls: Call[];
}

export interface ExecuteTransactionWithSessionReturnType {
  transactionHash: string;
  /** Fee paid by the account, in FRI. */
  fee: bigint;
}

/**
 * Sends `calls` from the account signed by the session key (`[pubkey, r, s, valid_until]`
 * over the transaction hash) and waits for the receipt. Refuses before signing when the
 * account's dry run predicts a rejection; maps a rejection or revert to a SessionError.
 */
export async function executeTransactionWithSession({ provider, accountAddress, session, calls }: ExecuteTransactionWithSessionParameters): Promise<ExecuteTransactionWithSessionReturnType> {
  checkCalls(calls);
  const key = await resolveSessionKey(session);
  await preflightSession(provider, accountAddress, key, calls);
  const account = new Account({ provider, address: accountAddress, signer: new SessionSigner({ privateKey: key.privateKey, validUntil: key.validUntil }), cairoVersion: "1" });
  let transactionHash: string;
  try {
    ({ transaction_hash: transactionHash } = await account.execute(calls));
  } catch (error) {
    throw toSessionError(error);
  }
  const receipt = await provider.waitForTransaction(transactionHash);
  const value = receipt.value as { actual_fee?: { amount: string }; revert_reason?: string };
  if (!receipt.isSuccess()) {
    const reason = findReasonCode(value.revert_reason ?? "");
    const error = reason ? toSessionError(value.revert_reason) : new SessionError("TRANSACTION_REVERTED", `transaction ${transactionHash} reverted`, { details: value.revert_reason ?? "" });
    throw error;
  }
  return { transactionHash, fee: BigInt(value.actual_fee?.amount ?? 0) };
}

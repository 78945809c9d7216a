import { Account, num, type ProviderInterface } from "starknet";
import { SessionError, toSessionError } from "../errors.ts";
import { findReasonCode } from "../reasons.ts";
import { PreparedSignatureSigner, type PreparedSessionCalls } from "./prepareSessionCalls.ts";

export interface SendPreparedCallsParameters {
  provider: ProviderInterface;
  prepared: PreparedSessionCalls;
  /** The session key's ECDSA signature of `prepared.hash`. */
  signature: { r: string | bigint; s: string | bigint };
}

export interface SendPreparedCallsReturnType {
  transactionHash: string;
  fee: bigint;
}

/**
 * Split signing, step 2: submits the prepared calls with exactly the prepared nonce, fees
 * and tip, and the session signature `[pubkey, r, s, valid_until]`. starknet.js recomputes
 * the hash; if anything drifted from what was signed, nothing is sent.
 */
export async function sendPreparedCalls({ provider, prepared, signature }: SendPreparedCallsParameters): Promise<SendPreparedCallsReturnType> {
  const signer = new PreparedSignatureSigner(prepared, [num.toHex(signature.r), num.toHex(signature.s)]);
  const account = new Account({ provider, address: prepared.accountAddress, signer, cairoVersion: "1" });
  let transactionHash: string;
  try {
    ({ transaction_hash: transactionHash } = await account.execute(prepared.calls, {
      nonce: prepared.details.nonce,
      resourceBounds: prepared.details.resourceBounds,
      tip: prepared.details.tip,
    }));
  } catch (error) {
    throw toSessionError(error);
  }
  if (BigInt(transactionHash) !== BigInt(prepared.hash)) {
    throw new SessionError("TRANSACTION_REJECTED", `the node reports hash ${transactionHash}, not the prepared ${prepared.hash}`);
  }
  const receipt = await provider.waitForTransaction(transactionHash);
  const value = receipt.value as { actual_fee?: { amount: string }; revert_reason?: string };
  if (!receipt.isSuccess()) {
    throw findReasonCode(value.revert_reason ?? "") ? toSessionError(value.revert_reason) : new SessionError("TRANSACTION_REVERTED", `transaction ${transactionHash} reverted`, { details: value.revert_reason ?? "" });
  }
  return { transactionHash, fee: BigInt(value.actual_fee?.amount ?? 0) };
}

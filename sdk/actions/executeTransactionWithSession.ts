import { Account, type Call, type ProviderInterface } from "starknet";
import { toSessionError } from "../errors.ts";
import { SessionSigner } from "../signers/sessionSigner.ts";
import { normalizeCalls } from "../utils/calls.ts";
import { type FeeLimits, resolveFeeLimits } from "../utils/fees.ts";
import { sendThroughPaymaster, type SessionPaymasterOptions } from "../utils/paymasterSend.ts";
import { settle } from "../utils/receipts.ts";
import { resolveSessionKey, type SessionKeyInput } from "../utils/sessionKey.ts";
import { preflightSession } from "./preflightSession.ts";

export interface ExecuteTransactionWithSessionParameters extends FeeLimits {
  provider: ProviderInterface;
  accountAddress: string;
  session: SessionKeyInput;
  calls: Call[];
  /**
   * Go gasless: the calls are sent as an outside execution through this SNIP-29 paymaster
   * (sponsored by default), signed by the session key. `maxFee` then bounds what the
   * account pays the paymaster in STRK, in the default fee mode.
   */
  paymaster?: SessionPaymasterOptions;
}

export interface ExecuteTransactionWithSessionReturnType {
  transactionHash: string;
  /**
   * What the account paid: the transaction's fee in FRI; through a paymaster, the fee
   * transfer it signed (in the gas token's units), 0 when sponsored.
   */
  fee: bigint;
  /** The paymaster's tracking id (SNIP-29), when sent through one. */
  trackingId?: string;
}

/**
 * Sends `calls` from the account signed by the session key and waits for the receipt.
 * Refuses before signing when the account's dry run predicts a rejection, and when the
 * transaction's worst-case fee exceeds `maxFee` (default 1 STRK); the tip is `tip`
 * (default 0), never the node's suggestion. Maps a rejection or revert to a SessionError.
 * With `paymaster`, the same preflight, then the paymaster's typed data is checked against
 * the calls (and the fee ceiling) before the session key signs it; a paymaster's refusal
 * is PAYMASTER_REJECTED.
 */
export async function executeTransactionWithSession({ provider, accountAddress, session, calls, paymaster, ...fees }: ExecuteTransactionWithSessionParameters): Promise<ExecuteTransactionWithSessionReturnType> {
  const normalized = normalizeCalls(calls);
  const { maxFee, tip } = resolveFeeLimits(fees);
  const key = await resolveSessionKey(session);
  const { generation, chainId, policy, authorization } = await preflightSession(provider, accountAddress, key, normalized);
  const signer = new SessionSigner({ privateKey: key.privateKey, validUntil: key.validUntil, generation, accountAddress, chainId, maxFee, maxTip: tip, ...(policy ? { policy } : {}), ...(authorization ? { authorization } : {}) });
  const account = new Account({ provider, address: accountAddress, signer, cairoVersion: "1", ...(paymaster ? { paymaster: paymaster.client } : {}) });
  if (paymaster) {
    const sent = await sendThroughPaymaster(account, normalized, paymaster, maxFee);
    const { transactionHash } = await settle(provider, sent.transactionHash, accountAddress);
    return { transactionHash, fee: sent.feeInGasToken, trackingId: sent.trackingId };
  }
  let transactionHash: string;
  try {
    // Estimated with validation: a policy session's validation is part of what it costs.
    ({ transaction_hash: transactionHash } = await account.execute(normalized, { tip, skipValidate: false }));
  } catch (error) {
    throw toSessionError(error, { accountAddress });
  }
  return settle(provider, transactionHash, accountAddress);
}

import { Account, type Call, type ProviderInterface } from "starknet";
import { toSessionError } from "../errors.ts";
import { SessionSigner } from "../signers/sessionSigner.ts";
import { normalizeCalls } from "../utils/calls.ts";
import { type FeeLimits, resolveFeeLimits } from "../utils/fees.ts";
import { settle } from "../utils/receipts.ts";
import { resolveSessionKey, type SessionKeyInput } from "../utils/sessionKey.ts";
import { preflightSession } from "./preflightSession.ts";

export interface ExecuteTransactionWithSessionParameters extends FeeLimits {
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
 * Sends `calls` from the account signed by the session key and waits for the receipt.
 * Refuses before signing when the account's dry run predicts a rejection, and when the
 * transaction's worst-case fee exceeds `maxFee` (default 1 STRK); the tip is `tip`
 * (default 0), never the node's suggestion. Maps a rejection or revert to a SessionError.
 */
export async function executeTransactionWithSession({ provider, accountAddress, session, calls, ...fees }: ExecuteTransactionWithSessionParameters): Promise<ExecuteTransactionWithSessionReturnType> {
  const normalized = normalizeCalls(calls);
  const { maxFee, tip } = resolveFeeLimits(fees);
  const key = await resolveSessionKey(session);
  const { generation, chainId, policy } = await preflightSession(provider, accountAddress, key, normalized);
  const signer = new SessionSigner({ privateKey: key.privateKey, validUntil: key.validUntil, generation, accountAddress, chainId, maxFee, maxTip: tip, ...(policy ? { policy } : {}) });
  const account = new Account({ provider, address: accountAddress, signer, cairoVersion: "1" });
  let transactionHash: string;
  try {
    // Estimated with validation: a policy session's validation is part of what it costs.
    ({ transaction_hash: transactionHash } = await account.execute(normalized, { tip, skipValidate: false }));
  } catch (error) {
    throw toSessionError(error, { accountAddress });
  }
  return settle(provider, transactionHash, accountAddress);
}

import { type Account, CallData } from "starknet";
import { SessionError, toSessionError } from "../errors.ts";
import { toSelector } from "../utils/entrypoints.ts";
import { parsePublicKey } from "../utils/keys.ts";
import { assertSessionSupport } from "./supportsSessions.ts";

export interface AddSessionKeyToContractParameters {
  /** The account, signing as its owner. */
  account: Account;
  sessionPublicKey: string;
  /** Unix seconds, in the future (as returned by createSessionKey). */
  validUntil: number;
  /** How many transactions the session may send (1..2^32-1). */
  maxCalls: number;
  /** Entrypoint names (`transfer`) or selectors; empty = any entrypoint that is not blocked. */
  allowedEntrypoints: string[];
}

export interface AddSessionKeyToContractReturnType {
  transactionHash: string;
}

/** Registers (or replaces) a session on the account, signed by the owner; waits for it. */
export async function addSessionKeyToContract({ account, sessionPublicKey, validUntil, maxCalls, allowedEntrypoints }: AddSessionKeyToContractParameters): Promise<AddSessionKeyToContractReturnType> {
  let publicKey: string;
  try {
    publicKey = parsePublicKey(sessionPublicKey, "sessionPublicKey");
  } catch (error) {
    throw new SessionError("INVALID_INPUT", (error as Error).message, { cause: error });
  }
  if (!Number.isInteger(validUntil) || validUntil <= 0 || validUntil >= 2 ** 53) throw new SessionError("INVALID_INPUT", "validUntil must be a unix time in seconds");
  if (!Number.isInteger(maxCalls) || maxCalls < 1 || maxCalls > 0xffffffff) throw new SessionError("INVALID_INPUT", "maxCalls must be a whole number between 1 and 4294967295");
  if (!Array.isArray(allowedEntrypoints)) throw new SessionError("INVALID_INPUT", "allowedEntrypoints must be an array (empty for no whitelist)");
  const selectors = allowedEntrypoints.map(toSelector);
  await assertSessionSupport({ provider: account.provider, accountAddress: account.address });
  try {
    const { transaction_hash } = await account.execute({
      contractAddress: account.address,
      entrypoint: "add_or_update_session_key",
      calldata: CallData.compile({ session_key: publicKey, valid_until: validUntil, max_calls: maxCalls, allowed_entrypoints: selectors }),
    });
    const receipt = await account.provider.waitForTransaction(transaction_hash);
    if (!receipt.isSuccess()) throw toSessionError(JSON.stringify(receipt.value));
    return { transactionHash: transaction_hash };
  } catch (error) {
    throw toSessionError(error);
  }
}

// Sending a session's calls gasless through any SNIP-29 paymaster (ours, `npm run relayer`,
// or another): the paymaster builds the outside execution, the session key signs it, the
// paymaster submits and pays. Before signing, the typed data is checked to carry exactly
// the calls asked for (plus, when the account pays in a token, one transfer within the
// ceiling), as starknet.js's own executePaymasterTransaction checks it.
import { type Account, type Call, type FeeMode, num, paymaster, type PaymasterInterface, type PaymasterTimeBounds, RpcError } from "starknet";
import { SessionError } from "../errors.ts";
import { isReasonCode } from "../reasons.ts";
import { STRK_TOKEN_ADDRESS } from "./fees.ts";

export interface SessionPaymasterOptions {
  /** Any SNIP-29 client, e.g. `new PaymasterRpc({ nodeUrl, headers: { "x-paymaster-api-key": key } })`. */
  client: PaymasterInterface;
  /** `{ mode: "sponsored" }` (default): the sponsor pays. `{ mode: "default", gasToken }`: the account pays the paymaster in that token. */
  feeMode?: FeeMode;
  /**
   * Default fee mode: the most the account pays the paymaster, in the gas token's smallest
   * units. Defaults to `maxFee` when the gas token is STRK; required for any other token.
   */
  maxFeeInGasToken?: bigint;
  timeBounds?: PaymasterTimeBounds;
}

export interface PaymasterSendResult {
  transactionHash: string;
  trackingId: string;
  /** What the account pays the paymaster, in the gas token's units (0 when sponsored). */
  feeInGasToken: bigint;
}

const SNIP29_NAMES: Record<number, string> = {
  150: "INVALID_ADDRESS",
  151: "TOKEN_NOT_SUPPORTED",
  153: "INVALID_SIGNATURE",
  154: "MAX_AMOUNT_TOO_LOW",
  155: "CLASS_HASH_NOT_SUPPORTED",
  156: "TRANSACTION_EXECUTION_ERROR",
  157: "INVALID_TIME_BOUNDS",
  158: "INVALID_DEPLOYMENT_DATA",
  159: "INVALID_CLASS_HASH",
  160: "INVALID_ID",
  163: "UNKNOWN_ERROR",
};

/** A paymaster's JSON-RPC error as a SessionError: PAYMASTER_REJECTED, with the SNIP-29 name and data. */
export function toPaymasterError(error: unknown): SessionError {
  if (error instanceof SessionError) return error;
  if (error instanceof RpcError) {
    const { code, data } = error.baseError as { code: number; data?: unknown };
    const name = SNIP29_NAMES[code] ?? `error ${code}`;
    // The paymaster's attribution of the account's refusal, if it gives one (our relayer does).
    const claimed = (data as { reason?: unknown } | undefined)?.reason;
    const reason = typeof claimed === "string" && isReasonCode(claimed) ? claimed : undefined;
    const detail = typeof data === "string" ? data : data === undefined ? undefined : JSON.stringify(data);
    return new SessionError("PAYMASTER_REJECTED", `the paymaster refused the execution: ${name}${detail && typeof data === "string" ? ` (${data})` : ""}`, {
      ...(reason ? { reason } : {}),
      ...(detail ? { details: detail } : {}),
      cause: error,
    });
  }
  return new SessionError("PAYMASTER_REJECTED", `the paymaster could not be reached or answered nonsense: ${(error as Error)?.message ?? String(error)}`, { cause: error });
}

export async function sendThroughPaymaster(account: Account, calls: Call[], options: SessionPaymasterOptions, maxFee: bigint): Promise<PaymasterSendResult> {
  const feeMode = options.feeMode ?? { mode: "sponsored" };
  let ceiling: bigint | undefined;
  if (feeMode.mode === "default") {
    ceiling = options.maxFeeInGasToken ?? (BigInt(feeMode.gasToken) === BigInt(STRK_TOKEN_ADDRESS) ? maxFee : undefined);
    if (ceiling === undefined) throw new SessionError("INVALID_INPUT", "paying a paymaster in a token other than STRK needs maxFeeInGasToken (the most the account pays, in that token's units)");
  }
  const details = { feeMode, ...(options.timeBounds ? { timeBounds: options.timeBounds } : {}) };
  let prepared;
  try {
    prepared = await account.buildPaymasterTransaction(calls, details);
  } catch (error) {
    throw toPaymasterError(error);
  }
  if (prepared.type !== "invoke") throw new SessionError("OUTSIDE_EXECUTION_MISMATCH", `the paymaster built a ${prepared.type} transaction for an invoke`);
  const asked = BigInt(prepared.fee.suggested_max_fee_in_gas_token);
  if (ceiling !== undefined && asked > ceiling) {
    throw new SessionError("FEE_LIMIT_EXCEEDED", `the paymaster asks up to ${asked} of the gas token, above the ceiling of ${ceiling}: nothing was signed`);
  }
  try {
    paymaster.assertPaymasterTransactionSafety(prepared, calls, details, await account.provider.getChainId(), ceiling);
  } catch (error) {
    throw new SessionError("OUTSIDE_EXECUTION_MISMATCH", `the paymaster's typed data is not the calls asked for: ${(error as Error).message}; nothing was signed`, { cause: error });
  }
  // Signed by the account's signer: the session key, checked by SessionSigner to be a
  // SNIP-9 V2 outside execution for this account and chain.
  const transaction = await account.preparePaymasterTransaction(prepared);
  let response;
  try {
    response = await options.client.executeTransaction(transaction, prepared.parameters);
  } catch (error) {
    throw toPaymasterError(error);
  }
  return {
    transactionHash: num.toHex(response.transaction_hash),
    trackingId: num.toHex(response.tracking_id),
    feeInGasToken: feeMode.mode === "default" ? asked : 0n,
  };
}

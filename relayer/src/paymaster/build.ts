// paymaster_buildTransaction: checks the request, estimates the user's calls, and returns
// the SNIP-9 V2 outside execution to sign (in default mode with the fee transfer
// appended). Every build is recorded: execute relays only typed data built here.
import { num, type TypedData } from "starknet";
import { estimateInvoke, errorText } from "../chain/estimate.ts";
import { chainNow, type RelayerContext } from "../context.ts";
import type { GasToken } from "../config.ts";
import { paymasterError } from "../rpc/errors.ts";
import type { ApiKeyPolicy } from "../sponsor/apiKeys.ts";
import type { RequestContext } from "../rpc/jsonRpc.ts";
import { assertTargetsAllowed, identifyClient, requireSponsor } from "./access.ts";
import { checkUserAccount } from "./accountSupport.ts";
import { attributeFailure } from "./failures.ts";
import { ANY_CALLER, feeTransfer, messageHashOf, type StoredOutsideExecution, typedDataOf } from "./outsideExecution.ts";
import { address, type ContractCall, calls as readCalls, type ExecutionParameters, type FeeMode, namedParams, object, type TimeBounds } from "./params.ts";
import { findGasToken, friToToken } from "./tokens.ts";
import { nextOutsideExecutionNonce } from "../../../sdk/utils/outsideNonces.ts";

/**
 * What wrapping the calls in a relayed outside execution adds to their own estimate (the
 * relayer's transaction, the signature check, the nonce record), in L2 gas: a margin set
 * above bench:gas's relayed-versus-direct difference (about 1.1 M for a session transfer).
 * The simulation at execute decides: MAX_AMOUNT_TOO_LOW when the signed fee fell short.
 */
export const RELAY_OVERHEAD_L2_GAS = 1_200_000n;
/** Suggested maximum = estimate × 3/2, the overhead starknet.js itself puts on estimates. */
const SUGGESTED_NUMERATOR = 3n;
const SUGGESTED_DENOMINATOR = 2n;

export function windowOf(context: RelayerContext, now: number, requested: TimeBounds | undefined): { executeAfter: number; executeBefore: number } {
  if (!requested) return { executeAfter: now - 60, executeBefore: now + context.config.defaultWindowSeconds };
  const { executeAfter, executeBefore } = requested;
  if (executeAfter >= executeBefore) throw paymasterError("INVALID_TIME_BOUNDS", "execute_after must be before execute_before");
  if (executeBefore <= now + 30) throw paymasterError("INVALID_TIME_BOUNDS", `execute_before ${executeBefore} leaves no time to relay (chain time ${now})`);
  if (executeBefore > now + context.config.maxWindowSeconds) throw paymasterError("INVALID_TIME_BOUNDS", `execute_before is more than ${context.config.maxWindowSeconds} s away`);
  return { executeAfter, executeBefore };
}

export interface OutsideExecutionRequest {
  userAddress: string;
  calls: ContractCall[];
  feeMode: FeeMode;
  timeBounds: TimeBounds | undefined;
  /** The sponsor's key; required for sponsored fees. */
  key: ApiKeyPolicy | undefined;
  /** The wallet-API session the execution is prepared for, if any. */
  sessionId?: string;
}

export interface BuiltOutsideExecution {
  typedData: TypedData;
  messageHash: string;
  window: { executeAfter: number; executeBefore: number };
  /** FRI. */
  estimatedFri: bigint;
  suggestedFri: bigint;
  token: GasToken | undefined;
  /** The appended transfer's amount, in the gas token (default mode). */
  feeAmount: bigint | undefined;
}

/**
 * Checks and records an outside execution of `calls` for the user to sign: the account
 * (deployed, SNIP-9 V2), the sponsor's targets, the gas token, the window, and an estimate
 * of the calls (with the fee transfer when the user pays).
 */
export async function buildOutsideExecution(context: RelayerContext, { userAddress, calls: userCalls, feeMode, timeBounds, key, sessionId }: OutsideExecutionRequest): Promise<BuiltOutsideExecution> {
  requireSponsor(key, feeMode);
  if (feeMode.mode === "sponsored" && key) assertTargetsAllowed(key, userCalls);
  const token = feeMode.mode === "default" ? findGasToken(context.config.gasTokens, feeMode.gasToken) : undefined;
  await checkUserAccount(context, userAddress);
  const now = await chainNow(context);
  const window = windowOf(context, now, timeBounds);

  // The calls as the user's own transaction (validation skipped: nothing is signed yet),
  // with the fee transfer when the user pays: a call that would fail is refused here.
  const estimatedCalls = token ? [...userCalls, feeTransfer(token.address, context.config.feeRecipient, 0n)] : userCalls;
  let estimate;
  try {
    estimate = await estimateInvoke(context.provider, userAddress, estimatedCalls);
  } catch (error) {
    const failure = attributeFailure(error, userAddress);
    throw paymasterError("TRANSACTION_EXECUTION_ERROR", { execution_error: errorText(error), ...(failure.contract ? { contract_address: failure.contract } : {}) });
  }
  const l2GasPrice = BigInt(estimate.resourceBounds.l2_gas.max_price_per_unit);
  const estimatedFri = estimate.overallFeeFri + RELAY_OVERHEAD_L2_GAS * l2GasPrice;
  const suggestedFri = (estimatedFri * SUGGESTED_NUMERATOR + SUGGESTED_DENOMINATOR - 1n) / SUGGESTED_DENOMINATOR;
  if (suggestedFri > context.config.maxFeePerTransactionFri) {
    throw paymasterError("TRANSACTION_EXECUTION_ERROR", { execution_error: `the relayed transaction may cost ${suggestedFri} FRI, above this relayer's limit of ${context.config.maxFeePerTransactionFri} FRI` });
  }
  const feeAmount = token ? friToToken(suggestedFri, token) : undefined;

  const execution: StoredOutsideExecution = {
    caller: ANY_CALLER,
    // Consecutive per account: the account keeps 128 nonces to a storage cell.
    nonce: nextOutsideExecutionNonce(num.toHex64(userAddress)),
    execute_after: window.executeAfter,
    execute_before: window.executeBefore,
    calls: token && feeAmount !== undefined ? [...userCalls, feeTransfer(token.address, context.config.feeRecipient, feeAmount)] : userCalls,
  };
  const typedData = typedDataOf(context.chainId, execution);
  const messageHash = messageHashOf(typedData, userAddress);
  await context.db.query(
    "INSERT INTO builds (user_address, message_hash, api_key_id, fee_mode, gas_token, fee_amount, outside_execution, execute_before, session_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    [userAddress, messageHash, key?.id ?? null, feeMode.mode, token?.address ?? null, feeAmount?.toString() ?? null, JSON.stringify(execution), window.executeBefore, sessionId ?? null],
  );
  return { typedData, messageHash, window, estimatedFri, suggestedFri, token, feeAmount };
}

export async function buildTransaction(context: RelayerContext, params: unknown, request: RequestContext) {
  const { transaction, parameters } = namedParams(params);
  const invoke = object(transaction.invoke, "transaction.invoke");
  const userAddress = address(invoke.user_address, "transaction.invoke.user_address");
  const calls = readCalls(invoke.calls, "transaction.invoke.calls");
  const key = await identifyClient(context, request);
  const built = await buildOutsideExecution(context, { userAddress, calls, feeMode: parameters.feeMode, timeBounds: parameters.timeBounds, key });
  const { token, estimatedFri, suggestedFri, feeAmount } = built;
  return {
    type: "invoke",
    typed_data: built.typedData,
    parameters: echoParameters(parameters, built.window),
    fee: {
      gas_token_price_in_strk: num.toHex(token?.priceInStrk ?? 10n ** 18n),
      estimated_fee_in_strk: num.toHex(estimatedFri),
      estimated_fee_in_gas_token: num.toHex(token ? friToToken(estimatedFri, token) : estimatedFri),
      suggested_max_fee_in_strk: num.toHex(suggestedFri),
      suggested_max_fee_in_gas_token: num.toHex(feeAmount ?? suggestedFri),
    },
  };
}

function echoParameters(parameters: ExecutionParameters, window: { executeAfter: number; executeBefore: number }) {
  return {
    version: "0x1",
    fee_mode: parameters.feeMode.mode === "sponsored" ? { mode: "sponsored" } : { mode: "default", gas_token: parameters.feeMode.gasToken },
    time_bounds: { execute_after: window.executeAfter, execute_before: window.executeBefore },
  };
}

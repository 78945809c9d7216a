// What a failed estimate of a relayed outside execution means for the client, in SNIP-29
// terms. A reason code counts only when the user's account itself raised it (the SDK's
// failure attribution): a contract the user calls can panic with any text.
import { isReasonCode, type ReasonCode } from "../../../sdk/reasons.ts";
import { failingCallee, failureOrigin, raisedByAccount } from "../../../sdk/utils/failures.ts";
import { paymasterError, type JsonRpcError } from "../rpc/errors.ts";
import { errorText } from "../chain/estimate.ts";

/** The signature, or the session it speaks for, does not authorize this execution. */
const SIGNATURE_REASONS = new Set<ReasonCode>([
  "INVALID_SIGNATURE",
  "BAD_SIGNATURE_FORMAT",
  "NOT_REGISTERED",
  "REVOKED",
  "EXPIRED",
  "VALID_UNTIL_MISMATCH",
  "INVALID_SESSION",
  "INVALID_SESSION_KEY",
  "UNAUTHORIZED",
]);
/** The outside execution's own window. */
const TIME_REASONS = new Set<ReasonCode>(["TOO_EARLY", "TOO_LATE"]);

export interface AttributedFailure {
  /** A reason code of the user's account, when the account refused. */
  reason?: ReasonCode;
  /** The contract that failed, when it was not the account. */
  contract?: string;
  text: string;
}

export function attributeFailure(error: unknown, userAddress: string): AttributedFailure {
  const text = errorText(error);
  const origin = failureOrigin(text);
  if (raisedByAccount(origin, userAddress) && origin.reason !== undefined && isReasonCode(origin.reason) && origin.reason !== "OK") {
    return { reason: origin.reason, text };
  }
  const contract = failingCallee(origin, userAddress);
  return contract ? { contract, text } : { text };
}

/** The SNIP-29 error for an estimate of the relayed transaction that failed. */
export function relayedFailureError(error: unknown, userAddress: string): JsonRpcError {
  const failure = attributeFailure(error, userAddress);
  if (failure.reason && SIGNATURE_REASONS.has(failure.reason)) return paymasterError("INVALID_SIGNATURE", { reason: failure.reason });
  if (failure.reason && TIME_REASONS.has(failure.reason)) return paymasterError("INVALID_TIME_BOUNDS", { reason: failure.reason });
  return paymasterError("TRANSACTION_EXECUTION_ERROR", {
    execution_error: failure.text,
    ...(failure.reason ? { reason: failure.reason } : {}),
    ...(failure.contract ? { contract_address: failure.contract } : {}),
  });
}

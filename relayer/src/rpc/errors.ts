// JSON-RPC 2.0 errors, and the SNIP-29 paymaster errors with their codes and messages as
// the spec (and starknet.js's types) spell them.

export class JsonRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
    /** HTTP status of the response carrying it (JSON-RPC itself always answers 200). */
    readonly httpStatus = 200,
  ) {
    super(message);
    this.name = "JsonRpcError";
  }
}

export const PARSE_ERROR = -32700;
export const INVALID_REQUEST = -32600;
export const METHOD_NOT_FOUND = -32601;
export const INVALID_PARAMS = -32602;

export function invalidParams(detail: string): JsonRpcError {
  return new JsonRpcError(INVALID_PARAMS, "Invalid params", detail);
}

export const PAYMASTER_ERRORS = {
  INVALID_ADDRESS: 150,
  TOKEN_NOT_SUPPORTED: 151,
  INVALID_SIGNATURE: 153,
  MAX_AMOUNT_TOO_LOW: 154,
  CLASS_HASH_NOT_SUPPORTED: 155,
  TRANSACTION_EXECUTION_ERROR: 156,
  INVALID_TIME_BOUNDS: 157,
  INVALID_DEPLOYMENT_DATA: 158,
  INVALID_CLASS_HASH: 159,
  INVALID_ID: 160,
  UNKNOWN_ERROR: 163,
} as const;

export type PaymasterErrorName = keyof typeof PAYMASTER_ERRORS;

/**
 * Reasons this relayer gives under UNKNOWN_ERROR (whose `data` is a string in SNIP-29):
 * the data starts with one of these, then ": " and a sentence. SNIP-29 has no codes for a
 * sponsor's policies, so these are the stable part a client can match on.
 */
export type PolicyRefusal =
  | "API_KEY_REQUIRED"
  | "API_KEY_INVALID"
  | "API_KEY_MISMATCH"
  | "TARGET_NOT_ALLOWED"
  | "BUDGET_EXHAUSTED"
  | "ACCOUNT_BUDGET_EXHAUSTED"
  | "RATE_LIMITED"
  | "FEE_TOO_HIGH"
  | "NO_RELAYER_AVAILABLE"
  | "SUBMISSION_FAILED"
  | "SHUTTING_DOWN";

export function paymasterError(name: PaymasterErrorName, data?: unknown, httpStatus = 200): JsonRpcError {
  return new JsonRpcError(PAYMASTER_ERRORS[name], `An error occurred (${name})`, data, httpStatus);
}

export function policyRefusal(reason: PolicyRefusal, sentence: string, httpStatus = 200): JsonRpcError {
  return paymasterError("UNKNOWN_ERROR", `${reason}: ${sentence}`, httpStatus);
}

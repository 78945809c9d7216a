// Typed errors with stable codes. One base class; every failure the SDK reports is a
// SessionError whose `code` a dApp can switch on. Contract reason codes map to codes here.
import { findReasonCode, type ReasonCode, type RefusalReason } from "./reasons.ts";

export const SESSION_ERROR_CODES = [
  "SESSION_NOT_SUPPORTED",
  "SESSION_NOT_REGISTERED",
  "SESSION_REVOKED",
  "SESSION_EXPIRED",
  "SESSION_MAX_CALLS_EXCEEDED",
  "SESSION_SELF_CALL_FORBIDDEN",
  "SESSION_SELECTOR_BLOCKED",
  "SESSION_ENTRYPOINT_NOT_ALLOWED",
  "SESSION_BAD_SIGNATURE_FORMAT",
  "SESSION_VALID_UNTIL_MISMATCH",
  "SESSION_INVALID_SIGNATURE",
  "SESSION_UNAUTHORIZED",
  "SESSION_INVALID_PARAMETERS",
  "SESSION_DECRYPTION_FAILED",
  "SESSION_CREATION_FAILED",
  "SESSION_OPERATION_NOT_ALLOWED",
  "OUTSIDE_EXECUTION_INVALID_CALLER",
  "OUTSIDE_EXECUTION_TOO_EARLY",
  "OUTSIDE_EXECUTION_TOO_LATE",
  "OUTSIDE_EXECUTION_NONCE_USED",
  "OUTSIDE_EXECUTION_REENTRANT",
  "OUTSIDE_EXECUTION_MISMATCH",
  "INVALID_TRANSACTION",
  "INVALID_INPUT",
  "TRANSACTION_REJECTED",
  "TRANSACTION_REVERTED",
] as const;

export type SessionErrorCode = (typeof SESSION_ERROR_CODES)[number];

export class SessionError extends Error {
  override name = "SessionError";
  readonly code: SessionErrorCode;
  /** The contract's reason code, when the error comes from the account. */
  readonly reason: ReasonCode | undefined;
  readonly details: string | undefined;

  constructor(code: SessionErrorCode, message: string, options: { reason?: ReasonCode; details?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
    this.details = options.details;
  }
}

const BY_REASON: Record<RefusalReason, { code: SessionErrorCode; message: string }> = {
  NOT_REGISTERED: { code: "SESSION_NOT_REGISTERED", message: "no session is registered for this key on the account" },
  REVOKED: { code: "SESSION_REVOKED", message: "the session was revoked by the account owner" },
  EXPIRED: { code: "SESSION_EXPIRED", message: "the session has expired" },
  MAX_CALLS_EXCEEDED: { code: "SESSION_MAX_CALLS_EXCEEDED", message: "the session has used all of its max_calls" },
  SELF_CALL: { code: "SESSION_SELF_CALL_FORBIDDEN", message: "a session can never call its own account" },
  BLOCKED_SELECTOR: { code: "SESSION_SELECTOR_BLOCKED", message: "a session can never call an admin entrypoint (upgrade, key management, ...)" },
  ENTRYPOINT_NOT_ALLOWED: { code: "SESSION_ENTRYPOINT_NOT_ALLOWED", message: "an entrypoint is not in the session's whitelist" },
  BAD_SIGNATURE_FORMAT: { code: "SESSION_BAD_SIGNATURE_FORMAT", message: "the signature is not [r, s] nor [session_pubkey, r, s, valid_until]" },
  VALID_UNTIL_MISMATCH: { code: "SESSION_VALID_UNTIL_MISMATCH", message: "the signature's valid_until differs from the registered one" },
  INVALID_SIGNATURE: { code: "SESSION_INVALID_SIGNATURE", message: "the signature does not verify" },
  INVALID_CALLER: { code: "OUTSIDE_EXECUTION_INVALID_CALLER", message: "this outside execution names another caller" },
  TOO_EARLY: { code: "OUTSIDE_EXECUTION_TOO_EARLY", message: "the outside execution's window has not opened yet" },
  TOO_LATE: { code: "OUTSIDE_EXECUTION_TOO_LATE", message: "the outside execution's window has closed" },
  NONCE_USED: { code: "OUTSIDE_EXECUTION_NONCE_USED", message: "the outside execution's nonce was already used" },
  REENTRANT_CALL: { code: "OUTSIDE_EXECUTION_REENTRANT", message: "an outside execution cannot start inside another one" },
  UNAUTHORIZED: { code: "SESSION_UNAUTHORIZED", message: "only the account owner may do this" },
  INVALID_TX: { code: "INVALID_TRANSACTION", message: "the account refused the transaction (wrong caller or transaction version)" },
  INVALID_SESSION: { code: "SESSION_INVALID_PARAMETERS", message: "the session parameters are unusable (zero key, zero max_calls or valid_until not in the future)" },
};

/** The typed error for a contract reason code. */
export function errorFromReason(reason: RefusalReason, options: { details?: string; cause?: unknown } = {}): SessionError {
  const { code, message } = BY_REASON[reason];
  return new SessionError(code, message, { reason, ...options });
}

/**
 * Maps anything a send can throw (starknet.js RpcError, a revert reason) to a
 * SessionError: by the contract's reason code when one is present, otherwise
 * `TRANSACTION_REJECTED` with the original error as `cause`.
 */
export function toSessionError(error: unknown): SessionError {
  if (error instanceof SessionError) return error;
  const text = describe(error);
  const reason = findReasonCode(text);
  if (reason) return errorFromReason(reason, { details: text, cause: error });
  return new SessionError("TRANSACTION_REJECTED", "the node refused the transaction", { details: text, cause: error });
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const base = (error as { baseError?: unknown }).baseError;
    return base === undefined ? error.message : `${error.message} ${JSON.stringify(base)}`;
  }
  return typeof error === "string" ? error : JSON.stringify(error);
}

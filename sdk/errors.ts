// Typed errors with stable codes. One base class; every failure the SDK reports is a
// SessionError whose `code` a dApp can switch on. Contract reason codes map to codes here,
// but only when the account itself raised them (see utils/failures.ts).
import { isReasonCode, type ReasonCode, type RefusalReason } from "./reasons.ts";
import { failingCallee, failureOrigin, raisedByAccount } from "./utils/failures.ts";

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
  "SESSION_FEE_CAP_EXCEEDED",
  "SESSION_METHOD_NOT_ALLOWED",
  "SESSION_PINNED_ARGUMENT_MISMATCH",
  "SESSION_POLICY_PROOF_MISSING",
  "SESSION_NOT_YET_VALID",
  "SESSION_RATE_LIMITED",
  "SESSION_SPENDING_LIMIT_EXCEEDED",
  "SESSION_FEE_BUDGET_EXCEEDED",
  "SESSION_INVALID_SIGNATURE",
  "SESSION_UNAUTHORIZED",
  "SESSION_INVALID_PARAMETERS",
  "SESSION_INVALID_KEY",
  "SESSION_AUTHORIZATION_INVALID",
  "SESSION_AUTHORIZATION_REVOKED",
  "SESSION_AUTHORIZATION_CONFLICT",
  "SESSION_DECRYPTION_FAILED",
  "SESSION_LEGACY_ENVELOPE",
  "SESSION_CREATION_FAILED",
  "SESSION_OPERATION_NOT_ALLOWED",
  "OUTSIDE_EXECUTION_INVALID_CALLER",
  "OUTSIDE_EXECUTION_TOO_EARLY",
  "OUTSIDE_EXECUTION_TOO_LATE",
  "OUTSIDE_EXECUTION_NONCE_USED",
  "OUTSIDE_EXECUTION_REENTRANT",
  "OUTSIDE_EXECUTION_MISMATCH",
  "INVALID_TRANSACTION",
  "FEE_LIMIT_EXCEEDED",
  "PREPARED_CALLS_MISMATCH",
  "INVALID_INPUT",
  "TRANSACTION_REJECTED",
  "TRANSACTION_REVERTED",
  "PAYMASTER_REJECTED",
  "WALLET_API_REJECTED",
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
  BAD_SIGNATURE_FORMAT: { code: "SESSION_BAD_SIGNATURE_FORMAT", message: "the signature is not in a layout the account reads (owner, SNIP session, policy session, authorized session's first use)" },
  VALID_UNTIL_MISMATCH: { code: "SESSION_VALID_UNTIL_MISMATCH", message: "the signature's valid_until differs from the registered one" },
  METHOD_NOT_ALLOWED: { code: "SESSION_METHOD_NOT_ALLOWED", message: "a call's (contract, entrypoint) is not in the session's method policy" },
  PINNED_ARGUMENT_MISMATCH: { code: "SESSION_PINNED_ARGUMENT_MISMATCH", message: "a call differs from its policy at a pinned argument (e.g. another recipient)" },
  POLICY_PROOF_MISSING: { code: "SESSION_POLICY_PROOF_MISSING", message: "the session has a policy: sign in the policy format, with a proof for every call (pass the session's policy to the SDK)" },
  NOT_YET_VALID: { code: "SESSION_NOT_YET_VALID", message: "the session's start time (validAfter) has not come yet" },
  RATE_LIMITED: { code: "SESSION_RATE_LIMITED", message: "the session used all its transactions for the current period" },
  SPENDING_LIMIT_EXCEEDED: { code: "SESSION_SPENDING_LIMIT_EXCEEDED", message: "the calls would spend more of a token than the session's spending policy allows" },
  FEE_BUDGET_EXCEEDED: { code: "SESSION_FEE_BUDGET_EXCEEDED", message: "the session's fee budget cannot cover this transaction's worst-case fee" },
  FEE_CAP_EXCEEDED: { code: "SESSION_FEE_CAP_EXCEEDED", message: "the transaction could cost more in fees than the session's cap allows (resource bounds at max prices, plus tip)" },
  INVALID_SIGNATURE: { code: "SESSION_INVALID_SIGNATURE", message: "the signature does not verify" },
  INVALID_CALLER: { code: "OUTSIDE_EXECUTION_INVALID_CALLER", message: "this outside execution names another caller" },
  TOO_EARLY: { code: "OUTSIDE_EXECUTION_TOO_EARLY", message: "the outside execution's window has not opened yet" },
  TOO_LATE: { code: "OUTSIDE_EXECUTION_TOO_LATE", message: "the outside execution's window has closed" },
  NONCE_USED: { code: "OUTSIDE_EXECUTION_NONCE_USED", message: "the outside execution's nonce was already used" },
  REENTRANT_CALL: { code: "OUTSIDE_EXECUTION_REENTRANT", message: "an outside execution cannot start inside another one" },
  UNAUTHORIZED: { code: "SESSION_UNAUTHORIZED", message: "only the account owner may do this" },
  INVALID_TX: { code: "INVALID_TRANSACTION", message: "the account refused the transaction (wrong caller or transaction version)" },
  INVALID_SESSION: { code: "SESSION_INVALID_PARAMETERS", message: "the session parameters are unusable (zero max_calls or valid_until not in the future)" },
  INVALID_SESSION_KEY: { code: "SESSION_INVALID_KEY", message: "the session key is not a Stark public key, or is the owner's key" },
  AUTHORIZATION_INVALID: { code: "SESSION_AUTHORIZATION_INVALID", message: "the owner's authorization does not verify for these terms on this account and chain" },
  AUTHORIZATION_REVOKED: { code: "SESSION_AUTHORIZATION_REVOKED", message: "the owner revoked this authorized session (its key, or every session since it was signed)" },
  AUTHORIZATION_CONFLICT: { code: "SESSION_AUTHORIZATION_CONFLICT", message: "the session key already holds a session this authorization did not create" },
};

/** The typed error for a contract reason code. */
export function errorFromReason(reason: RefusalReason, options: { details?: string; cause?: unknown } = {}): SessionError {
  const { code, message } = BY_REASON[reason];
  return new SessionError(code, message, { reason, ...options });
}

export interface ToSessionErrorContext {
  /**
   * The account whose refusals the error may report. Reason codes are mapped only from
   * the account's own validation or its own execution frame; without an account, none are.
   */
  accountAddress?: string;
}

/**
 * Maps anything a send can throw (starknet.js RpcError, a revert reason) to a SessionError:
 * - the account's validation refused (its own frame): the reason's code;
 * - the account's own frame panicked in execution: the reason's code;
 * - anything raised deeper, by a contract the calls reached: `TRANSACTION_REVERTED`, with
 *   that contract and its reason in `details` — a dApp contract that panics with
 *   'REVOKED' must not make a wallet drop a good session;
 * - anything else: `TRANSACTION_REJECTED`, the original error as `cause`.
 */
export function toSessionError(error: unknown, context: ToSessionErrorContext = {}): SessionError {
  if (error instanceof SessionError) return error;
  const text = describe(error);
  const { accountAddress } = context;
  const origin = failureOrigin(text);
  if (origin.innermost !== undefined) {
    if (accountAddress !== undefined && raisedByAccount(origin, accountAddress) && origin.reason !== undefined && isReasonCode(origin.reason) && origin.reason !== "OK") {
      return errorFromReason(origin.reason, { details: text, cause: error });
    }
    if (origin.phase === "validation") {
      return new SessionError("TRANSACTION_REJECTED", `validation failed in contract ${origin.innermost}${origin.reason ? ` with ${JSON.stringify(origin.reason)}` : ""}`, { details: text, cause: error });
    }
    const contract = accountAddress === undefined ? origin.innermost : failingCallee(origin, accountAddress);
    return new SessionError("TRANSACTION_REVERTED", `the transaction fails in contract ${contract}${origin.reason ? ` with ${JSON.stringify(origin.reason)}` : ""}`, {
      details: JSON.stringify({ contract, reason: origin.reason ?? null, failure: text }),
      cause: error,
    });
  }
  return new SessionError("TRANSACTION_REJECTED", "the node refused the transaction", { details: text, cause: error });
}

/**
 * The node's words: an RPC error's data (its message repeats the whole request, calldata
 * included, which a dApp chooses and must not be read as the node's verdict).
 */
function describe(error: unknown): string {
  if (error instanceof Error) {
    const base = (error as { baseError?: { data?: unknown } }).baseError;
    if (base === undefined) return error.message;
    return typeof base.data === "string" ? base.data : JSON.stringify(base);
  }
  return typeof error === "string" ? error : JSON.stringify(error);
}

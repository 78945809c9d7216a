// The contract's reason codes (contracts/reasons.cairo), one list on this side too.
// A unit test reads the Cairo file and fails when the two lists drift apart.
import { shortString } from "starknet";

export const REASON_CODES = [
  "OK",
  "NOT_REGISTERED",
  "REVOKED",
  "EXPIRED",
  "MAX_CALLS_EXCEEDED",
  "SELF_CALL",
  "BLOCKED_SELECTOR",
  "ENTRYPOINT_NOT_ALLOWED",
  "BAD_SIGNATURE_FORMAT",
  "VALID_UNTIL_MISMATCH",
  "METHOD_NOT_ALLOWED",
  "PINNED_ARGUMENT_MISMATCH",
  "POLICY_PROOF_MISSING",
  "NOT_YET_VALID",
  "RATE_LIMITED",
  "SPENDING_LIMIT_EXCEEDED",
  "FEE_BUDGET_EXCEEDED",
  "FEE_CAP_EXCEEDED",
  "INVALID_SIGNATURE",
  "INVALID_CALLER",
  "TOO_EARLY",
  "TOO_LATE",
  "NONCE_USED",
  "REENTRANT_CALL",
  "UNAUTHORIZED",
  "INVALID_TX",
  "INVALID_SESSION",
  "INVALID_SESSION_KEY",
  "AUTHORIZATION_INVALID",
  "AUTHORIZATION_REVOKED",
  "AUTHORIZATION_CONFLICT",
] as const;

export type ReasonCode = (typeof REASON_CODES)[number];
/** Every code but OK: why the account refuses. */
export type RefusalReason = Exclude<ReasonCode, "OK">;

export function isReasonCode(value: string): value is ReasonCode {
  return (REASON_CODES as readonly string[]).includes(value);
}

/** The reason code a felt (as returned by `session_status`) encodes. */
export function decodeReason(felt: bigint | string): ReasonCode {
  const text = shortString.decodeShortString(typeof felt === "bigint" ? `0x${felt.toString(16)}` : felt);
  if (!isReasonCode(text)) throw new Error(`unknown session reason code ${String(felt)} (${JSON.stringify(text)})`);
  return text;
}

// Longest first, so a code that contains another one is found before it.
const BY_LENGTH = REASON_CODES.filter((code): code is RefusalReason => code !== "OK").sort((a, b) => b.length - a.length);

/**
 * Finds the contract's reason code in a node error or revert reason. Starknet reports a
 * Cairo panic as the felt's hex and, when printable, as the quoted short string.
 */
export function findReasonCode(text: string): RefusalReason | undefined {
  const lower = text.toLowerCase();
  for (const code of BY_LENGTH) {
    if (text.includes(`'${code}'`) || text.includes(`"${code}"`) || new RegExp(`\\b${code}\\b`).test(text)) return code;
    const hex = shortString.encodeShortString(code).slice(2).toLowerCase();
    if (lower.includes(`0x${hex}`) || lower.includes(`0x${hex.padStart(64, "0")}`)) return code;
  }
  return undefined;
}

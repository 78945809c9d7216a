// Pure builders of the owner's session-management calls: usable with any wallet, any
// Account, a paymaster or a multicall. The actions send them; nothing here talks to a node.
import { type Call, CallData } from "starknet";
import { SessionError } from "../errors.ts";
import { assertNotBlocked } from "../utils/blocklist.ts";
import { toSelector } from "../utils/entrypoints.ts";
import { parseAddress, parsePublicKey } from "../utils/keys.ts";

export interface GetAddSessionKeyCallParameters {
  accountAddress: string;
  sessionPublicKey: string;
  /** Unix seconds, in the future (as returned by createSessionKey). */
  validUntil: number;
  /** How many transactions the session may send (1..2^32-1). */
  maxCalls: number;
  /**
   * Entrypoint names (`transfer`) or selectors; empty = any entrypoint that is not blocked.
   * An admin entrypoint (`upgrade`, ...) is refused with `SESSION_SELECTOR_BLOCKED`: no
   * session can ever call one.
   */
  allowedEntrypoints: string[];
}

/** Malformed text is bad input; a well-formed value that is no Stark public key is an invalid session key. */
function checkedKey(value: string): string {
  try {
    return parsePublicKey(value, "sessionPublicKey");
  } catch (error) {
    if (error instanceof RangeError) throw new SessionError("SESSION_INVALID_KEY", error.message, { cause: error, reason: "INVALID_SESSION_KEY" });
    throw new SessionError("INVALID_INPUT", (error as Error).message, { cause: error });
  }
}

function checkedAccount(value: string): string {
  try {
    return parseAddress(value, "accountAddress");
  } catch (error) {
    throw new SessionError("INVALID_INPUT", (error as Error).message, { cause: error });
  }
}

/** The owner's call that registers (or replaces) a session: `add_or_update_session_key` on the account itself. */
export function getAddSessionKeyCall({ accountAddress, sessionPublicKey, validUntil, maxCalls, allowedEntrypoints }: GetAddSessionKeyCallParameters): Call {
  const account = checkedAccount(accountAddress);
  const publicKey = checkedKey(sessionPublicKey);
  if (!Number.isInteger(validUntil) || validUntil <= 0 || validUntil >= 2 ** 53) throw new SessionError("INVALID_INPUT", "validUntil must be a unix time in seconds");
  if (!Number.isInteger(maxCalls) || maxCalls < 1 || maxCalls > 0xffffffff) throw new SessionError("INVALID_INPUT", "maxCalls must be a whole number between 1 and 4294967295");
  if (!Array.isArray(allowedEntrypoints)) throw new SessionError("INVALID_INPUT", "allowedEntrypoints must be an array (empty for no whitelist)");
  const selectors = allowedEntrypoints.map((entrypoint, i) => {
    const selector = toSelector(entrypoint);
    // The account accepts an admin selector in a whitelist, as the SNIP does, and refuses
    // it at every call; checking each entry on chain would make registration cost more.
    assertNotBlocked(selector, `allowedEntrypoints[${i}]`);
    return BigInt(selector);
  });
  return {
    contractAddress: account,
    entrypoint: "add_or_update_session_key",
    // In increasing order and without repeats: the account then stores them without
    // checking each against the others (the cheapest registration).
    calldata: CallData.compile({ session_key: publicKey, valid_until: validUntil, max_calls: maxCalls, allowed_entrypoints: [...new Set(selectors)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((selector) => `0x${selector.toString(16)}`) }),
  };
}

export interface GetRevokeSessionKeyCallParameters {
  accountAddress: string;
  sessionPublicKey: string;
}

/** The owner's call that revokes a session: `revoke_session_key` on the account itself. */
export function getRevokeSessionKeyCall({ accountAddress, sessionPublicKey }: GetRevokeSessionKeyCallParameters): Call {
  return { contractAddress: checkedAccount(accountAddress), entrypoint: "revoke_session_key", calldata: CallData.compile([checkedKey(sessionPublicKey)]) };
}

/** The owner's call that ends every session at once: `revoke_all_sessions` on the account itself. */
export function getRevokeAllSessionsCall({ accountAddress }: { accountAddress: string }): Call {
  return { contractAddress: checkedAccount(accountAddress), entrypoint: "revoke_all_sessions", calldata: [] };
}

/**
 * The call a session sends, signed by itself, to end its own session (`end_session` with
 * its own key): the one call to the account a session may make.
 */
export function getEndSessionCall({ accountAddress, sessionPublicKey }: GetRevokeSessionKeyCallParameters): Call {
  return { contractAddress: checkedAccount(accountAddress), entrypoint: "end_session", calldata: CallData.compile([checkedKey(sessionPublicKey)]) };
}

export interface GetSetSessionMaxFeeCallParameters {
  accountAddress: string;
  sessionPublicKey: string;
  /** FRI, a multiple of 10^15 (0.001 STRK), at most (2^32 - 1) x 10^15. */
  maxFeePerTx: bigint;
}

/** The owner's call that sets a session's fee cap: `set_session_max_fee` on the account itself. */
export function getSetSessionMaxFeeCall({ accountAddress, sessionPublicKey, maxFeePerTx }: GetSetSessionMaxFeeCallParameters): Call {
  const unit = 10n ** 15n;
  if (typeof maxFeePerTx !== "bigint" || maxFeePerTx <= 0n || maxFeePerTx % unit !== 0n || maxFeePerTx / unit >= 2n ** 32n) {
    throw new SessionError("INVALID_INPUT", "maxFeePerTx must be a positive multiple of 10^15 FRI (0.001 STRK), below 2^32 x 10^15");
  }
  return { contractAddress: checkedAccount(accountAddress), entrypoint: "set_session_max_fee", calldata: CallData.compile([checkedKey(sessionPublicKey), maxFeePerTx.toString()]) };
}

/** A session's policy, as `add_session_with_policy` takes it. Every field is optional (off). */
export interface SessionPolicyInput {
  /** Unix seconds before which the session may not act. */
  validAfter?: number;
  /** Merkle root of the allowed methods (`buildMethodPolicy(entries).root`); omit for none. */
  methodsRoot?: string;
  /** Cap on one transaction's worst-case fee, FRI (a multiple of 10^15; default 1 STRK). */
  maxFeePerTx?: bigint;
  /** Cap on the sum of the session's worst-case fees, FRI (a multiple of 10^15). */
  feeBudget?: bigint;
  /** At most `maxTransactions` session transactions per `periodSeconds` (at least 3600). */
  rateLimit?: { maxTransactions: number; periodSeconds: number };
}

export interface GetAddSessionWithPolicyCallParameters extends Omit<GetAddSessionKeyCallParameters, "allowedEntrypoints"> {
  policy: SessionPolicyInput;
}

const FEE_UNIT = 10n ** 15n;

function feeField(value: bigint | undefined, what: string): string {
  if (value === undefined) return "0";
  if (typeof value !== "bigint" || value < 0n || value % FEE_UNIT !== 0n || value / FEE_UNIT >= 2n ** 32n) {
    throw new SessionError("INVALID_INPUT", `${what} must be a multiple of 10^15 FRI (0.001 STRK), below 2^32 x 10^15`);
  }
  return value.toString();
}

/** The owner's call that registers (or replaces) a session with a policy: `add_session_with_policy`. */
export function getAddSessionWithPolicyCall({ accountAddress, sessionPublicKey, validUntil, maxCalls, policy }: GetAddSessionWithPolicyCallParameters): Call {
  const base = getAddSessionKeyCall({ accountAddress, sessionPublicKey, validUntil, maxCalls, allowedEntrypoints: [] });
  const validAfter = policy.validAfter ?? 0;
  if (!Number.isInteger(validAfter) || validAfter < 0 || validAfter >= validUntil) throw new SessionError("INVALID_INPUT", "validAfter must be unix seconds before validUntil");
  const rate = policy.rateLimit;
  if (rate && (!Number.isInteger(rate.maxTransactions) || rate.maxTransactions < 1 || rate.maxTransactions > 0xffffffff || !Number.isInteger(rate.periodSeconds) || rate.periodSeconds < 3600 || rate.periodSeconds > 0xffffffff)) {
    throw new SessionError("INVALID_INPUT", "rateLimit needs maxTransactions >= 1 and periodSeconds >= 3600 (validation sees the hour-rounded time)");
  }
  const methodsRoot = policy.methodsRoot ?? "0x0";
  return {
    contractAddress: base.contractAddress,
    entrypoint: "add_session_with_policy",
    calldata: CallData.compile([
      checkedKey(sessionPublicKey),
      validUntil,
      maxCalls,
      validAfter,
      methodsRoot,
      feeField(policy.maxFeePerTx, "maxFeePerTx"),
      feeField(policy.feeBudget, "feeBudget"),
      rate?.maxTransactions ?? 0,
      rate?.periodSeconds ?? 0,
    ]),
  };
}

export interface GetSetSpendingPolicyCallParameters {
  accountAddress: string;
  sessionPublicKey: string;
  token: string;
  /** Per decoded transfer or approval, in the token's units. */
  maxPerCall: bigint;
  /** Per window, whatever the route. */
  maxPerWindow: bigint;
  windowSeconds: number;
}

/** The owner's call that limits a session's spending of a token: the SNIP's `set_spending_policy`. */
export function getSetSpendingPolicyCall({ accountAddress, sessionPublicKey, token, maxPerCall, maxPerWindow, windowSeconds }: GetSetSpendingPolicyCallParameters): Call {
  if (typeof maxPerCall !== "bigint" || typeof maxPerWindow !== "bigint" || maxPerCall < 0n || maxPerCall > maxPerWindow || maxPerWindow >= 2n ** 256n) {
    throw new SessionError("INVALID_INPUT", "maxPerCall and maxPerWindow must be bigints with 0 <= maxPerCall <= maxPerWindow < 2^256");
  }
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 366 * 86_400) throw new SessionError("INVALID_INPUT", "windowSeconds must be between 1 and a year");
  const u256 = (value: bigint) => [(value & (2n ** 128n - 1n)).toString(), (value >> 128n).toString()];
  return {
    contractAddress: checkedAccount(accountAddress),
    entrypoint: "set_spending_policy",
    calldata: CallData.compile([checkedKey(sessionPublicKey), checkedAccount(token), ...u256(maxPerCall), ...u256(maxPerWindow), windowSeconds]),
  };
}

/** The owner's call that removes a session's spending policy for a token: the SNIP's `remove_spending_policy`. */
export function getRemoveSpendingPolicyCall({ accountAddress, sessionPublicKey, token }: { accountAddress: string; sessionPublicKey: string; token: string }): Call {
  return { contractAddress: checkedAccount(accountAddress), entrypoint: "remove_spending_policy", calldata: CallData.compile([checkedKey(sessionPublicKey), checkedAccount(token)]) };
}

// Pure builders of the owner's session-management calls: usable with any wallet, any
// Account, a paymaster or a multicall. The actions send them; nothing here talks to a node.
import { type Call, CallData } from "starknet";
import { SessionError } from "../errors.ts";
import { toSelector } from "../utils/entrypoints.ts";
import { parseAddress, parsePublicKey } from "../utils/keys.ts";

export interface GetAddSessionKeyCallParameters {
  accountAddress: string;
  sessionPublicKey: string;
  /** Unix seconds, in the future (as returned by createSessionKey). */
  validUntil: number;
  /** How many transactions the session may send (1..2^32-1). */
  maxCalls: number;
  /** Entrypoint names (`transfer`) or selectors; empty = any entrypoint that is not blocked. */
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
  return {
    contractAddress: account,
    entrypoint: "add_or_update_session_key",
    calldata: CallData.compile({ session_key: publicKey, valid_until: validUntil, max_calls: maxCalls, allowed_entrypoints: allowedEntrypoints.map(toSelector) }),
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

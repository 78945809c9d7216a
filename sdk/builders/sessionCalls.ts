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

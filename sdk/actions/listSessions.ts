import type { ProviderInterface } from "starknet";
import { SessionError } from "../errors.ts";

export interface ListSessionsParameters {
  provider: ProviderInterface;
  accountAddress: string;
  /** Position in the list of every key ever registered (default 0). */
  offset?: number;
  /** At most 100 (the account's page size). */
  limit?: number;
}

export type ListedSessionStatus = "active" | "expired" | "exhausted" | "revoked";

export interface ListedSession {
  sessionPublicKey: string;
  status: ListedSessionStatus;
  validUntil: number;
  maxCalls: number;
  callsUsed: number;
  remainingCalls: number;
  generation: number;
  hasPolicy: boolean;
}

export interface ListSessionsReturnType {
  /** How many keys the account has ever registered. */
  total: number;
  sessions: ListedSession[];
}

/**
 * A page of the account's sessions, in order of first registration, each with its status
 * (revoked ones, by the owner, themselves or a revoke-all, told apart from expired and
 * exhausted ones) and whether it has a policy (`getSessionData` has the rest).
 */
export async function listSessions({ provider, accountAddress, offset = 0, limit = 100 }: ListSessionsParameters): Promise<ListSessionsReturnType> {
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new SessionError("INVALID_INPUT", "offset must be a whole number >= 0 and limit between 1 and 100");
  }
  const [[count], page, block] = await Promise.all([
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_sessions_count" }, "pre_confirmed"),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "list_sessions", calldata: [offset, limit] }, "pre_confirmed"),
    provider.getBlockWithTxHashes("pre_confirmed"),
  ]);
  // Array<SessionListEntry>: its length, then (key, state variant, valid_until, max_calls, calls_used, generation, has_policy) each.
  const felts = page.map((value) => BigInt(value));
  const length = Number(felts[0] ?? 0n);
  const sessions: ListedSession[] = [];
  for (let i = 0; i < length; i++) {
    const [key, state, validUntil, maxCalls, callsUsed, generation, hasPolicy] = felts.slice(1 + i * 7, 8 + i * 7) as [bigint, bigint, bigint, bigint, bigint, bigint, bigint];
    let status: ListedSessionStatus;
    if (state !== 1n) status = "revoked";
    else if (BigInt(block.timestamp) > validUntil) status = "expired";
    else if (callsUsed >= maxCalls) status = "exhausted";
    else status = "active";
    sessions.push({
      sessionPublicKey: `0x${key.toString(16)}`,
      status,
      validUntil: Number(validUntil),
      maxCalls: Number(maxCalls),
      callsUsed: Number(callsUsed),
      remainingCalls: Number(maxCalls > callsUsed ? maxCalls - callsUsed : 0n),
      generation: Number(generation),
      hasPolicy: hasPolicy === 1n,
    });
  }
  return { total: Number(BigInt(count ?? 0)), sessions };
}

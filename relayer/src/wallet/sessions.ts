// Sessions created through the wallet API, as the database keeps them: the terms the
// owner signs, and what follows from them (key, expiry, the hash the owner signs).
import { num } from "starknet";
import { sessionAuthorizationHash, type SessionTerms } from "../../../sdk/authorization/sessionAuthorization.ts";
import type { Queryable } from "../db/database.ts";

export interface WalletSession {
  sessionId: string;
  accountAddress: string;
  chainId: string;
  publicKey: string;
  validUntil: number;
  terms: SessionTerms;
  /** The serialised method policy (proofs for every call), when the session has methods. */
  methodPolicy: string | undefined;
  /** What the owner signs: the terms' SNIP-12 hash for this account and chain. */
  messageHash: string;
  /** The owner's `[r, s]` of `messageHash`, once given (checked on chain). */
  ownerSignature: [string, string] | undefined;
  apiKeyId: string | undefined;
  createdAt: Date;
}

interface Row {
  session_id: string;
  account_address: string;
  chain_id: string;
  session_authorization: { terms: SessionTerms; methodPolicy?: string };
  owner_signature: string[] | null;
  api_key_id: string | null;
  created_at: Date;
}

function toSession(row: Row): WalletSession {
  const { terms, methodPolicy } = row.session_authorization;
  return {
    sessionId: row.session_id,
    accountAddress: row.account_address,
    chainId: row.chain_id,
    publicKey: num.toHex(terms.sessionKey),
    validUntil: terms.validUntil,
    terms,
    methodPolicy,
    messageHash: sessionAuthorizationHash({ accountAddress: row.account_address, chainId: row.chain_id, terms }),
    ownerSignature: row.owner_signature ? [row.owner_signature[0] as string, row.owner_signature[1] as string] : undefined,
    apiKeyId: row.api_key_id ?? undefined,
    createdAt: row.created_at,
  };
}

export async function insertSession(db: Queryable, session: Pick<WalletSession, "sessionId" | "accountAddress" | "chainId" | "terms" | "methodPolicy" | "apiKeyId">): Promise<void> {
  await db.query("INSERT INTO wallet_sessions (session_id, account_address, chain_id, session_authorization, api_key_id) VALUES ($1, $2, $3, $4, $5)", [
    session.sessionId,
    session.accountAddress,
    session.chainId,
    JSON.stringify({ terms: session.terms, ...(session.methodPolicy ? { methodPolicy: session.methodPolicy } : {}) }),
    session.apiKeyId ?? null,
  ]);
}

export async function findSession(db: Queryable, sessionId: string): Promise<WalletSession | undefined> {
  const { rows } = await db.query<Row>("SELECT * FROM wallet_sessions WHERE session_id = $1", [sessionId]);
  return rows[0] ? toSession(rows[0]) : undefined;
}

export async function sessionsOf(db: Queryable, accountAddress: string, offset: number, limit: number): Promise<WalletSession[]> {
  const { rows } = await db.query<Row>("SELECT * FROM wallet_sessions WHERE account_address = $1 ORDER BY created_at, session_id OFFSET $2 LIMIT $3", [accountAddress, offset, limit]);
  return rows.map(toSession);
}

export async function recordOwnerSignature(db: Queryable, sessionId: string, signature: [string, string]): Promise<void> {
  await db.query("UPDATE wallet_sessions SET owner_signature = $2 WHERE session_id = $1", [sessionId, signature]);
}

// Sponsors' API keys: who may ask for sponsored transactions, with which budget, for
// which contracts, at what request rate. The secret is shown once; only its SHA-256 is kept.
import { createHash, randomBytes } from "node:crypto";
import { num } from "starknet";
import type { Database, Queryable } from "../db/database.ts";

export interface ApiKeyPolicy {
  id: string;
  name: string;
  budgetFri: bigint;
  /** What one user account may spend of this key's budget; undefined: no per-account limit. */
  perAccountBudgetFri: bigint | undefined;
  /** Contracts the sponsored calls may target (0x + 64 hex); undefined: any. */
  allowedTargets: string[] | undefined;
  requestsPerMinute: number;
}

export interface CreateApiKeyParameters {
  name: string;
  budgetFri: bigint;
  perAccountBudgetFri?: bigint;
  allowedTargets?: string[];
  requestsPerMinute?: number;
}

export interface ApiKeyUsage {
  budgetFri: bigint;
  spentFri: bigint;
  reservedFri: bigint;
}

export const DEFAULT_REQUESTS_PER_MINUTE = 600;

function digest(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export async function createApiKey(db: Database, parameters: CreateApiKeyParameters): Promise<{ id: string; secret: string }> {
  const { name, budgetFri, perAccountBudgetFri, allowedTargets, requestsPerMinute = DEFAULT_REQUESTS_PER_MINUTE } = parameters;
  if (!name.trim()) throw new Error("an API key needs a name");
  if (budgetFri < 0n || (perAccountBudgetFri !== undefined && perAccountBudgetFri < 0n)) throw new Error("budgets cannot be negative");
  if (!Number.isInteger(requestsPerMinute) || requestsPerMinute <= 0) throw new Error("requestsPerMinute must be a positive integer");
  const id = `key_${randomBytes(8).toString("hex")}`;
  const secret = `rk_${randomBytes(32).toString("base64url")}`;
  await db.query(
    "INSERT INTO api_keys (id, secret_sha256, name, budget_fri, per_account_budget_fri, allowed_targets, requests_per_minute) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    [id, digest(secret), name, budgetFri.toString(), perAccountBudgetFri?.toString() ?? null, allowedTargets?.map((target) => num.toHex64(target)) ?? null, requestsPerMinute],
  );
  return { id, secret };
}

interface ApiKeyRow {
  id: string;
  name: string;
  budget_fri: string;
  per_account_budget_fri: string | null;
  allowed_targets: string[] | null;
  requests_per_minute: number;
}

function toPolicy(row: ApiKeyRow): ApiKeyPolicy {
  return {
    id: row.id,
    name: row.name,
    budgetFri: BigInt(row.budget_fri),
    perAccountBudgetFri: row.per_account_budget_fri === null ? undefined : BigInt(row.per_account_budget_fri),
    allowedTargets: row.allowed_targets ?? undefined,
    requestsPerMinute: row.requests_per_minute,
  };
}

/** The live key with this secret, if any. */
export async function findApiKey(db: Queryable, secret: string): Promise<ApiKeyPolicy | undefined> {
  const { rows } = await db.query<ApiKeyRow>("SELECT * FROM api_keys WHERE secret_sha256 = $1 AND revoked_at IS NULL", [digest(secret)]);
  return rows[0] ? toPolicy(rows[0]) : undefined;
}

export async function getApiKey(db: Queryable, id: string): Promise<ApiKeyPolicy | undefined> {
  const { rows } = await db.query<ApiKeyRow>("SELECT * FROM api_keys WHERE id = $1 AND revoked_at IS NULL", [id]);
  return rows[0] ? toPolicy(rows[0]) : undefined;
}

export async function revokeApiKey(db: Database, id: string): Promise<boolean> {
  const { rowCount } = await db.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", [id]);
  return rowCount === 1;
}

export async function apiKeyUsage(db: Queryable, id: string): Promise<ApiKeyUsage> {
  const { rows } = await db.query<{ budget_fri: string; spent_fri: string; reserved_fri: string }>("SELECT budget_fri, spent_fri, reserved_fri FROM api_keys WHERE id = $1", [id]);
  const row = rows[0];
  if (!row) throw new Error(`no API key ${id}`);
  return { budgetFri: BigInt(row.budget_fri), spentFri: BigInt(row.spent_fri), reservedFri: BigInt(row.reserved_fri) };
}

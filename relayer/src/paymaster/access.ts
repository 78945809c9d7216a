// Who is asking: the API key (required for sponsored fees, optional otherwise) and the
// request rate of that key, or of the client address when there is no key.
import type { RelayerContext } from "../context.ts";
import type { RequestContext } from "../rpc/jsonRpc.ts";
import { policyRefusal } from "../rpc/errors.ts";
import { type ApiKeyPolicy, findApiKey } from "../sponsor/apiKeys.ts";
import { countRequest } from "../sponsor/rateLimit.ts";
import type { ContractCall, FeeMode } from "./params.ts";

/**
 * Who is asking, counted against its request rate: every method that does work calls this
 * first. An unknown key is refused; no key means an anonymous client, limited per address.
 */
export async function identifyClient(context: RelayerContext, request: RequestContext): Promise<ApiKeyPolicy | undefined> {
  const key = request.apiKey === undefined ? undefined : await findApiKey(context.db, request.apiKey);
  if (request.apiKey !== undefined && !key) throw policyRefusal("API_KEY_INVALID", "the x-paymaster-api-key header names no live API key", 401);
  if (key) await countRequest(context.db, `key:${key.id}`, key.requestsPerMinute);
  else await countRequest(context.db, `address:${request.clientAddress}`, context.config.anonymousRequestsPerMinute);
  return key;
}

/** Sponsored fees need a sponsor. */
export function requireSponsor(key: ApiKeyPolicy | undefined, feeMode: FeeMode): void {
  if (feeMode.mode === "sponsored" && !key) throw policyRefusal("API_KEY_REQUIRED", "sponsored transactions need an x-paymaster-api-key header", 401);
}

export async function resolveAccess(context: RelayerContext, request: RequestContext, feeMode: FeeMode): Promise<ApiKeyPolicy | undefined> {
  const key = await identifyClient(context, request);
  requireSponsor(key, feeMode);
  return key;
}

/** A sponsor pays only for calls to the contracts its key allows. */
export function assertTargetsAllowed(key: ApiKeyPolicy, calls: ContractCall[]): void {
  if (!key.allowedTargets) return;
  const allowed = new Set(key.allowedTargets);
  const outside = calls.find((call) => !allowed.has(call.to));
  if (outside) throw policyRefusal("TARGET_NOT_ALLOWED", `API key ${key.id} does not sponsor calls to ${outside.to}`);
}

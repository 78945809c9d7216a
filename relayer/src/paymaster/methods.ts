// The SNIP-29 method table.
import type { RelayerContext } from "../context.ts";
import type { MethodTable } from "../rpc/jsonRpc.ts";
import { buildTransaction } from "./build.ts";
import { executeTransaction } from "./execute.ts";
import { supportedTokens } from "./tokens.ts";
import { trackingIdToLatestHash } from "./tracking.ts";

export async function isAvailable(context: RelayerContext): Promise<boolean> {
  if (context.shuttingDown()) return false;
  try {
    await Promise.all([context.db.pool.query("SELECT 1"), context.provider.getBlockNumber()]);
    return true;
  } catch {
    return false;
  }
}

export function paymasterMethods(context: RelayerContext): MethodTable {
  return {
    paymaster_isAvailable: () => isAvailable(context),
    paymaster_getSupportedTokens: async () => supportedTokens(context.config.gasTokens),
    paymaster_buildTransaction: (params, request) => buildTransaction(context, params, request),
    paymaster_executeTransaction: (params, request) => executeTransaction(context, params, request),
    paymaster_trackingIdToLatestHash: (params) => trackingIdToLatestHash(context, params),
  };
}

// What every request handler and background loop of one relayer process shares.
import type { FastifyBaseLogger } from "fastify";
import type { RpcProvider } from "starknet";
import type { RelayerPool } from "./chain/relayerPool.ts";
import type { RelayerConfig } from "./config.ts";
import type { Database } from "./db/database.ts";

export interface RelayerContext {
  config: RelayerConfig;
  db: Database;
  provider: RpcProvider;
  chainId: string;
  pool: RelayerPool;
  log: FastifyBaseLogger;
  /** True once shutdown began: new executions are handed back to the client. */
  shuttingDown(): boolean;
}

/** The chain's clock (the latest block's timestamp): what outside-execution windows are checked against. */
export async function chainNow(context: RelayerContext): Promise<number> {
  return (await context.provider.getBlockWithTxHashes("latest")).timestamp;
}

// A relayer with a throwaway embedded database, for a devnet or a demo: what
// `npm run relayer` serves with nothing configured, as a function.
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { RelayerAccountKey } from "./chain/relayerPool.ts";
import { DEFAULTS, STRK } from "./config.ts";
import { startEmbeddedDatabase } from "./db/embedded.ts";
import { createApiKey } from "./sponsor/apiKeys.ts";
import { type Relayer, type StartRelayerOptions, startRelayer } from "./server.ts";

export interface EmbeddedRelayer {
  relayer: Relayer;
  url: string;
  /** A sponsor's key created for this run. */
  apiKey: { id: string; secret: string };
  stop(): Promise<void>;
}

export interface StartEmbeddedRelayerParameters {
  rpcUrl: string;
  relayerAccounts: RelayerAccountKey[];
  /** Budget of the API key created for the run, in FRI (default 100 STRK). */
  sponsorBudgetFri?: bigint;
  options?: StartRelayerOptions;
}

export async function startEmbeddedRelayer({ rpcUrl, relayerAccounts, sponsorBudgetFri = 100n * 10n ** 18n, options = {} }: StartEmbeddedRelayerParameters): Promise<EmbeddedRelayer> {
  const dataDir = join("target", "relayer", `pgdata-${process.pid}-${Date.now()}`);
  const database = await startEmbeddedDatabase({ dataDir, persistent: false });
  const dropDatabase = async () => {
    await database.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  let relayer: Relayer;
  try {
    relayer = await startRelayer(
      { ...DEFAULTS, port: 0, rpcUrl, databaseUrl: database.url, relayerAccounts, feeRecipient: (relayerAccounts[0] as RelayerAccountKey).address, gasTokens: [STRK] },
      options,
    );
  } catch (error) {
    await dropDatabase();
    throw error;
  }
  const apiKey = await createApiKey(relayer.context.db, { name: "local", budgetFri: sponsorBudgetFri });
  return {
    relayer,
    url: relayer.url,
    apiKey,
    stop: async () => {
      await relayer.close();
      await dropDatabase();
    },
  };
}

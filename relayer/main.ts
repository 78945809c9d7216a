// `npm run relayer`: a self-hosted SNIP-29 paymaster. With nothing configured it starts a
// devnet and a throwaway embedded PostgreSQL of its own, funds nothing new (the devnet's
// predeployed accounts #7-#9 are the relayer accounts), creates an API key and prints it.
// With .env (STARKNET_RPC_URL, DATABASE_URL, RELAYER_ACCOUNTS, ...) it serves that network.
//
//   npm run relayer                      serve
//   npm run relayer -- create-key --name shop --budget 5 [--per-account 0.5]
//                    [--targets 0xabc,0xdef] [--rpm 600]     add a sponsor's API key
//   npm run relayer -- revoke-key key_…                     revoke one
import "dotenv/config";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { DevnetProvider } from "starknet-devnet";
import { startDevnet } from "../scripts/lib/devnet.ts";
import { redactUrl } from "../scripts/lib/redact.ts";
import { formatStrk, strkBalance } from "../scripts/lib/deploy-account.ts";
import { configFromEnv, parseStrkAmount, RelayerConfigError } from "./src/config.ts";
import { connectDatabase } from "./src/db/database.ts";
import { type EmbeddedDatabase, startEmbeddedDatabase } from "./src/db/embedded.ts";
import { migrate } from "./src/db/migrate.ts";
import { createApiKey, revokeApiKey } from "./src/sponsor/apiKeys.ts";
import { startRelayer } from "./src/server.ts";

const LOCAL_RELAYER_ACCOUNTS = [7, 8, 9];
const LOCAL_API_KEY_BUDGET_FRI = 100n * 10n ** 18n;
const PERSISTENT_DATA_DIR = join("target", "relayer", "pgdata");

function say(message: string): void {
  console.log(`[relayer] ${message}`);
}

/** DATABASE_URL, or the persistent embedded database under target/relayer (for key commands on a real network). */
async function databaseForCommands(): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  const url = process.env.DATABASE_URL?.trim();
  if (url) return { url };
  const embedded = await startEmbeddedDatabase({ dataDir: PERSISTENT_DATA_DIR });
  return { url: embedded.url, embedded };
}

async function keyCommand(command: string, args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: "string" }, budget: { type: "string" }, "per-account": { type: "string" }, targets: { type: "string" }, rpm: { type: "string" } } });
  const { url, embedded } = await databaseForCommands();
  const db = connectDatabase(url, { max: 2 });
  try {
    await migrate(db);
    if (command === "create-key") {
      if (!values.name || !values.budget) throw new RelayerConfigError("create-key needs --name and --budget (STRK)");
      const { id, secret } = await createApiKey(db, {
        name: values.name,
        budgetFri: parseStrkAmount("--budget", values.budget),
        ...(values["per-account"] ? { perAccountBudgetFri: parseStrkAmount("--per-account", values["per-account"]) } : {}),
        ...(values.targets ? { allowedTargets: values.targets.split(",").map((target) => target.trim()) } : {}),
        ...(values.rpm ? { requestsPerMinute: Number(values.rpm) } : {}),
      });
      say(`API key ${id} created. Its secret, shown this once (send it as the x-paymaster-api-key header):`);
      console.log(secret);
    } else {
      const id = positionals[0];
      if (!id) throw new RelayerConfigError("revoke-key needs the key's id (key_…)");
      say((await revokeApiKey(db, id)) ? `API key ${id} revoked` : `no live API key ${id}`);
    }
  } finally {
    await db.close();
    await embedded?.stop();
  }
}

async function serve(): Promise<void> {
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const network = process.env.STARKNET_RPC_URL?.trim();
    let local;
    if (!network) {
      say("no STARKNET_RPC_URL: starting a devnet of its own");
      const { devnet, url, rpcUrl } = await startDevnet({ output: "ignore" });
      stops.push(() => void devnet.kill("SIGTERM"));
      const predeployed = await new DevnetProvider({ url }).getPredeployedAccounts();
      const relayerAccounts = LOCAL_RELAYER_ACCOUNTS.map((index) => predeployed[index]).filter((account) => account !== undefined).map((account) => ({ address: account.address, privateKey: account.private_key }));
      say(`devnet JSON-RPC: ${rpcUrl}`);
      local = { rpcUrl, relayerAccounts, databaseUrl: "" };
    }
    if (!process.env.DATABASE_URL?.trim()) {
      // A devnet of its own starts empty: so does its database. A real network keeps its state.
      const dataDir = network ? PERSISTENT_DATA_DIR : join("target", "relayer", `pgdata-${process.pid}`);
      say(`no DATABASE_URL: starting an embedded PostgreSQL in ${dataDir}`);
      const embedded = await startEmbeddedDatabase({ dataDir, persistent: Boolean(network) });
      stops.push(async () => {
        await embedded.stop();
        if (!network) rmSync(dataDir, { recursive: true, force: true });
      });
      local = { rpcUrl: local?.rpcUrl ?? "", relayerAccounts: local?.relayerAccounts ?? [], databaseUrl: embedded.url };
    }
    const config = configFromEnv(local);
    const relayer = await startRelayer(config);
    stops.push(() => relayer.close());
    say(`SNIP-29 paymaster at ${relayer.url} (health: ${relayer.url}/health) on ${redactUrl(config.rpcUrl)}`);
    say("relayer accounts (they submit and pay):");
    for (const { address } of config.relayerAccounts) {
      console.log(`  ${address}  ${formatStrk(await strkBalance(relayer.context.provider, address))} STRK`);
    }
    if (!network) {
      const { id, secret } = await createApiKey(relayer.context.db, { name: "local", budgetFri: LOCAL_API_KEY_BUDGET_FRI });
      say(`API key ${id} (100 STRK of sponsorship): ${secret}`);
    }
    say("Ctrl-C to stop");
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: finishing in-flight requests, then stopping`);
      await stopAll();
      process.exit(0);
    };
    process.on("SIGINT", () => void shutdown("SIGINT"));
    process.on("SIGTERM", () => void shutdown("SIGTERM"));
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === "create-key" || command === "revoke-key") await keyCommand(command, rest);
  else if (command === undefined) await serve();
  else throw new RelayerConfigError(`unknown command ${command}: use create-key, revoke-key, or nothing to serve`);
} catch (error) {
  console.error(`[relayer] ${error instanceof RelayerConfigError ? error.message : (error as Error).stack}`);
  process.exit(1);
}

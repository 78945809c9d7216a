// A real relayer for integration tests: its own embedded PostgreSQL (a fresh cluster in a
// temp folder) and the in-process server on the run's devnet, with devnet's predeployed
// accounts #7-#9 (no other test uses them) as relayer accounts.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Account, type Call, PaymasterRpc, type PaymasterDetails } from "starknet";
import { DEFAULTS, type RelayerConfig, STRK } from "../../relayer/src/config.ts";
import { type EmbeddedDatabase, startEmbeddedDatabase } from "../../relayer/src/db/embedded.ts";
import { createApiKey, type CreateApiKeyParameters } from "../../relayer/src/sponsor/apiKeys.ts";
import { type Relayer, type StartRelayerOptions, startRelayer } from "../../relayer/src/server.ts";
import { devnetProvider, devnetUrl, rpcProvider } from "./devnet.ts";

export const RELAYER_ACCOUNT_INDEXES = [7, 8, 9];

export interface TestRelayer {
  relayer: Relayer;
  database: EmbeddedDatabase;
  url: string;
  /** A new sponsor's API key (default budget 10 STRK, any target). */
  apiKey(parameters?: Partial<CreateApiKeyParameters>): Promise<{ id: string; secret: string }>;
  /** starknet.js's own paymaster client for this relayer. */
  paymaster(apiKey?: string): PaymasterRpc;
  stop(): Promise<void>;
}

export async function relayerAccountKeys(indexes = RELAYER_ACCOUNT_INDEXES) {
  const predeployed = await devnetProvider().getPredeployedAccounts();
  return indexes.map((index) => {
    const account = predeployed[index];
    if (!account) throw new Error(`devnet has no predeployed account #${index}`);
    return { address: account.address, privateKey: account.private_key };
  });
}

export async function testRelayerConfig(databaseUrl: string, overrides: Partial<RelayerConfig> = {}): Promise<RelayerConfig> {
  const relayerAccounts = await relayerAccountKeys();
  return {
    ...DEFAULTS,
    port: 0,
    rpcUrl: `${devnetUrl()}/rpc`,
    databaseUrl,
    relayerAccounts,
    feeRecipient: (relayerAccounts[0] as { address: string }).address,
    gasTokens: [STRK],
    trackerIntervalMs: 200,
    ...overrides,
  };
}

export async function startTestRelayer(overrides: Partial<RelayerConfig> = {}, options: StartRelayerOptions = {}): Promise<TestRelayer> {
  const dataDir = mkdtempSync(join(tmpdir(), "relayer-test-"));
  // mkdtemp makes it private to us; as root, PostgreSQL runs as `postgres` and must enter it.
  chmodSync(dataDir, 0o755);
  const database = await startEmbeddedDatabase({ dataDir: join(dataDir, "pg"), persistent: false });
  let relayer: Relayer;
  try {
    relayer = await startRelayer(await testRelayerConfig(database.url, overrides), { logger: { level: process.env.RELAYER_LOG_LEVEL ?? "silent" }, ...options });
  } catch (error) {
    await database.stop();
    throw error;
  }
  return {
    relayer,
    database,
    url: relayer.url,
    apiKey: (parameters = {}) => createApiKey(relayer.context.db, { name: "test", budgetFri: 10n * 10n ** 18n, ...parameters }),
    paymaster: (apiKey) => new PaymasterRpc({ nodeUrl: relayer.url, ...(apiKey ? { headers: { "x-paymaster-api-key": apiKey } } : {}) }),
    stop: async () => {
      await relayer.close();
      await database.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A starknet.js Account that sends through `paymaster`, signing with `signer` (an owner key or a SessionSigner). */
export function paymasterAccount(address: string, signer: Account["signer"] | string, paymaster: PaymasterRpc): Account {
  return new Account({ provider: rpcProvider(), address, signer, cairoVersion: "1", paymaster });
}

export const SPONSORED: PaymasterDetails = { feeMode: { mode: "sponsored" } };
export const PAY_IN_STRK: PaymasterDetails = { feeMode: { mode: "default", gasToken: STRK.address } };

export async function relayAndWait(account: Account, calls: Call[], details: PaymasterDetails, maxFee?: bigint): Promise<string> {
  const { transaction_hash } = await account.executePaymasterTransaction(calls, details, maxFee);
  const receipt = await rpcProvider().waitForTransaction(transaction_hash);
  if (!receipt.isSuccess()) throw new Error(`relayed transaction ${transaction_hash} did not succeed: ${JSON.stringify(receipt.value)}`);
  return transaction_hash;
}

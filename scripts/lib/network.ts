// Which network a script talks to and who pays: the local devnet by default, or any
// network from .env (STARKNET_RPC_URL + DEPLOYER_ADDRESS/DEPLOYER_PRIVATE_KEY).
// Shared by scripts/deploy.ts and scripts/demo.ts; see .env.example.
import "dotenv/config";
import { Account, RpcProvider } from "starknet";
import { DevnetProvider } from "starknet-devnet";
import { parseAddress, parsePrivateKey } from "../../sdk/utils/keys.ts";
import { strkToFri } from "../../sdk/utils/fees.ts";
import { redactUrl } from "./redact.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function env(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

export function parseStrk(name: string, value: string): bigint {
  const fri = strkToFri(value);
  if (fri === undefined) throw new ConfigError(`${name} must be a decimal amount of STRK like 5 or 0.25, got ${JSON.stringify(value)}`);
  return fri;
}

export function checked<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigError(`${name}: ${(error as Error).message}`);
  }
}

export interface Network {
  /** Where we are, for people: safe to print (an RPC URL is redacted, see redactUrl). */
  name: string;
  /** True on a local devnet (no STARKNET_RPC_URL). */
  local: boolean;
  /** Devnet's own API (mint, predeployed accounts) when local. */
  devnetUrl?: string;
  provider: RpcProvider;
  deployer: Account;
}

/**
 * Connects to STARKNET_RPC_URL with the deployer from .env, or, without it, to the local
 * devnet at `localDevnetUrl` with its predeployed account #0.
 */
export async function connectNetwork({ localDevnetUrl, localHint }: { localDevnetUrl: string; localHint: string }): Promise<Network> {
  const rpcUrl = env("STARKNET_RPC_URL");
  const local = rpcUrl === undefined;
  // Printed instead of the URL itself: RPC URLs carry API keys.
  const where = rpcUrl === undefined ? `local devnet ${localDevnetUrl}` : redactUrl(rpcUrl);
  // The deployer from .env is checked before any round trip: a typo fails at once.
  const configuredAddress = env("DEPLOYER_ADDRESS");
  const configuredKey = env("DEPLOYER_PRIVATE_KEY");
  const configured =
    configuredAddress && configuredKey
      ? { address: checked("DEPLOYER_ADDRESS", () => parseAddress(configuredAddress)), privateKey: checked("DEPLOYER_PRIVATE_KEY", () => parsePrivateKey(configuredKey)) }
      : undefined;
  if (!local && !configured) throw new ConfigError("DEPLOYER_ADDRESS and DEPLOYER_PRIVATE_KEY are required with STARKNET_RPC_URL (see .env.example).");

  const provider = new RpcProvider({ nodeUrl: rpcUrl ?? `${localDevnetUrl}/rpc`, ...(local ? { transactionRetryIntervalFallback: 200 } : {}) });
  try {
    await provider.getChainId();
  } catch {
    throw new ConfigError(local ? `no devnet at ${localDevnetUrl}: ${localHint}` : `cannot reach STARKNET_RPC_URL (${where}): check the URL and the network.`);
  }

  let deployerAccount = configured;
  if (!deployerAccount) {
    const [predeployed] = await new DevnetProvider({ url: localDevnetUrl }).getPredeployedAccounts();
    if (!predeployed) throw new ConfigError("the local devnet reports no predeployed account.");
    deployerAccount = { address: parseAddress(predeployed.address), privateKey: parsePrivateKey(predeployed.private_key) };
  }
  const deployer = new Account({ provider, address: deployerAccount.address, signer: deployerAccount.privateKey });
  const deployed = await provider.getClassHashAt(deployer.address).then(
    () => true,
    () => false,
  );
  if (!deployed) throw new ConfigError(`DEPLOYER_ADDRESS ${deployer.address} is not a deployed account on ${where}.`);
  return { name: where, local, ...(local ? { devnetUrl: localDevnetUrl } : {}), provider, deployer };
}

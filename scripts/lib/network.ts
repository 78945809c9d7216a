// Which network a script talks to and who pays: the local devnet by default, or any
// network from .env (STARKNET_RPC_URL + DEPLOYER_ADDRESS/DEPLOYER_PRIVATE_KEY).
// Shared by scripts/deploy.ts and scripts/demo.ts; see .env.example.
import "dotenv/config";
import { Account, RpcProvider } from "starknet";
import { DevnetProvider } from "starknet-devnet";
import { parseAddress, parsePrivateKey } from "../../sdk/utils/keys.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function env(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}

export function parseStrk(name: string, value: string): bigint {
  if (!/^\d+(\.\d{1,18})?$/.test(value)) throw new ConfigError(`${name} must be a decimal amount of STRK like 5 or 0.25, got ${JSON.stringify(value)}`);
  const [whole = "0", fraction = ""] = value.split(".");
  return BigInt(whole) * 10n ** 18n + BigInt(fraction.padEnd(18, "0"));
}

export function checked<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigError(`${name}: ${(error as Error).message}`);
  }
}

export interface Network {
  /** Where we are, for people. */
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
  const provider = new RpcProvider({ nodeUrl: rpcUrl ?? `${localDevnetUrl}/rpc`, ...(local ? { transactionRetryIntervalFallback: 200 } : {}) });
  try {
    await provider.getChainId();
  } catch {
    throw new ConfigError(local ? `no devnet at ${localDevnetUrl}: ${localHint}` : `cannot reach STARKNET_RPC_URL ${rpcUrl}: check the URL and the network.`);
  }

  let deployerAddress = env("DEPLOYER_ADDRESS");
  let deployerKey = env("DEPLOYER_PRIVATE_KEY");
  if (!deployerAddress || !deployerKey) {
    if (!local) throw new ConfigError("DEPLOYER_ADDRESS and DEPLOYER_PRIVATE_KEY are required with STARKNET_RPC_URL (see .env.example).");
    const [predeployed] = await new DevnetProvider({ url: localDevnetUrl }).getPredeployedAccounts();
    if (!predeployed) throw new ConfigError("the local devnet reports no predeployed account.");
    deployerAddress = predeployed.address;
    deployerKey = predeployed.private_key;
  }
  const deployer = new Account({
    provider,
    address: checked("DEPLOYER_ADDRESS", () => parseAddress(deployerAddress)),
    signer: checked("DEPLOYER_PRIVATE_KEY", () => parsePrivateKey(deployerKey)),
  });
  const deployed = await provider.getClassHashAt(deployer.address).then(
    () => true,
    () => false,
  );
  if (!deployed) throw new ConfigError(`DEPLOYER_ADDRESS ${deployer.address} is not a deployed account on ${rpcUrl ?? "the local devnet"}.`);
  return { name: rpcUrl ?? `local devnet ${localDevnetUrl}`, local, ...(local ? { devnetUrl: localDevnetUrl } : {}), provider, deployer };
}

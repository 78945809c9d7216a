// What integration tests use to talk to the run's devnet: providers, funded accounts,
// declare-if-needed of built contracts, and control of block time.
import { Account, logger, RpcProvider } from "starknet";
import { DevnetProvider } from "starknet-devnet";
import { inject } from "vitest";
import { readBuiltContract } from "../../scripts/lib/deploy-account.ts";

// starknet.js's tip estimate (used by test accounts that send with a default tip) warns on
// every send that a young devnet has too few blocks to analyse; the SDK never asks for it.
logger.setLogLevel("ERROR");

export function devnetUrl(): string {
  return inject("devnetUrl");
}

let rpc: RpcProvider | undefined;
let devnet: DevnetProvider | undefined;

/** starknet.js provider on the devnet's JSON-RPC endpoint. */
export function rpcProvider(): RpcProvider {
  // Devnet mines at once: poll receipts every 100 ms, not starknet.js's default 5 s.
  rpc ??= new RpcProvider({ nodeUrl: `${devnetUrl()}/rpc`, transactionRetryIntervalFallback: 100 });
  return rpc;
}

/** Devnet's own API: mint, time, predeployed accounts. */
export function devnetProvider(): DevnetProvider {
  devnet ??= new DevnetProvider({ url: devnetUrl() });
  return devnet;
}

/** A predeployed, funded OpenZeppelin account (same keys on every run: fixed seed). */
export async function fundedAccount(index = 0): Promise<Account> {
  const accounts = await devnetProvider().getPredeployedAccounts();
  const predeployed = accounts[index];
  if (!predeployed) throw new Error(`devnet has ${accounts.length} predeployed accounts, no #${index}`);
  return new Account({ provider: rpcProvider(), address: predeployed.address, signer: predeployed.private_key });
}

/** A contract built by `npm run build` (target/dev), by contract name. */
export const builtContract = readBuiltContract;

/** Declares a built contract unless its class is already on the chain; returns the class hash. */
export async function declareIfNeeded(account: Account, name: string): Promise<string> {
  const { sierra, casm } = builtContract(name);
  const result = await account.declareIfNot({ contract: sierra, casm });
  if (result.transaction_hash) await account.provider.waitForTransaction(result.transaction_hash);
  return result.class_hash;
}

/** Sets the time of the next block (unix seconds) and mines it, so views see it at once. */
export async function setBlockTime(unixSeconds: number): Promise<void> {
  await devnetProvider().setTime(unixSeconds, { generateBlock: true });
}

/** Moves block time forward by `seconds` (mines a block). */
export async function increaseBlockTime(seconds: number): Promise<void> {
  await devnetProvider().increaseTime(seconds);
}

/** The timestamp of the latest block. */
export async function latestBlockTime(): Promise<number> {
  const block = await rpcProvider().getBlock("latest");
  return block.timestamp;
}

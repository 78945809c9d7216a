// Contracts the session tests call, deployed once per test file.
import { CallData } from "starknet";
import { declareIfNeeded, fundedAccount, rpcProvider } from "./devnet.ts";

export async function deployCounter(initial = 0): Promise<string> {
  const funder = await fundedAccount(0);
  const classHash = await declareIfNeeded(funder, "Counter");
  const deployment = await funder.deployContract({ classHash, constructorCalldata: CallData.compile({ initial }) });
  await rpcProvider().waitForTransaction(deployment.transaction_hash);
  return deployment.contract_address;
}

export async function deployToken(): Promise<string> {
  const funder = await fundedAccount(0);
  const classHash = await declareIfNeeded(funder, "MockToken");
  const deployment = await funder.deployContract({ classHash, constructorCalldata: CallData.compile({ name: "Mock", symbol: "MCK" }) });
  await rpcProvider().waitForTransaction(deployment.transaction_hash);
  return deployment.contract_address;
}

export async function counterValue(counterAddress: string): Promise<bigint> {
  const [value] = await rpcProvider().callContract({ contractAddress: counterAddress, entrypoint: "get" });
  return BigInt(value ?? -1);
}

export async function tokenBalance(token: string, owner: string): Promise<bigint> {
  const [low, high] = await rpcProvider().callContract({ contractAddress: token, entrypoint: "balance_of", calldata: [owner] });
  return BigInt(low ?? 0) + (BigInt(high ?? 0) << 128n);
}

/** A contract that turns against the account that calls it (contracts/mocks/hostile.cairo). */
export async function deployHostile(): Promise<string> {
  const funder = await fundedAccount(0);
  const classHash = await declareIfNeeded(funder, "Hostile");
  const deployment = await funder.deployContract({ classHash, constructorCalldata: [] });
  await rpcProvider().waitForTransaction(deployment.transaction_hash);
  return deployment.contract_address;
}

// Proves the pipeline end to end: a contract built from contracts/ by our toolchain is
// declared, deployed and invoked on a real devnet, and behaves as its source says.
import { CallData, Contract, hash } from "starknet";
import { describe, expect, it } from "vitest";
import { builtContract, declareIfNeeded, fundedAccount, increaseBlockTime, latestBlockTime, rpcProvider, setBlockTime } from "../helpers/devnet.ts";

describe("toolchain on devnet", () => {
  it("declares, deploys and invokes the Counter built from contracts/", async () => {
    const account = await fundedAccount(0);
    const classHash = await declareIfNeeded(account, "Counter");
    // The class on chain is exactly the one we built (devnet recompiled our Sierra and agreed).
    expect(classHash).toBe(hash.computeContractClassHash(builtContract("Counter").sierra));

    const deployment = await account.deployContract({ classHash, constructorCalldata: CallData.compile({ initial: 5 }) });
    await account.provider.waitForTransaction(deployment.transaction_hash);
    const counter = new Contract({ abi: builtContract("Counter").sierra.abi, address: deployment.contract_address, providerOrAccount: rpcProvider() });
    expect(await counter.call("get")).toBe(5n);

    const { transaction_hash } = await account.execute([
      { contractAddress: deployment.contract_address, entrypoint: "increase", calldata: CallData.compile({ amount: 7 }) },
      { contractAddress: deployment.contract_address, entrypoint: "increase", calldata: CallData.compile({ amount: 30 }) },
    ]);
    const receipt = await account.provider.waitForTransaction(transaction_hash);
    expect(receipt.isSuccess()).toBe(true);
    expect(await counter.call("get")).toBe(42n);
    expect(await counter.call("get_by_caller", [account.address])).toBe(37n);
  });

  it("rejects a zero increase with the contract's own message", async () => {
    const account = await fundedAccount(0);
    const classHash = await declareIfNeeded(account, "Counter");
    const deployment = await account.deployContract({ classHash, constructorCalldata: CallData.compile({ initial: 0 }) });
    await account.provider.waitForTransaction(deployment.transaction_hash);
    await expect(
      account.execute({ contractAddress: deployment.contract_address, entrypoint: "increase", calldata: CallData.compile({ amount: 0 }) }),
    ).rejects.toThrow(/Counter: zero amount/);
  });

  it("controls block time", async () => {
    const now = await latestBlockTime();
    await setBlockTime(now + 10_000);
    expect(await latestBlockTime()).toBeGreaterThanOrEqual(now + 10_000);
    await increaseBlockTime(3_600);
    expect(await latestBlockTime()).toBeGreaterThanOrEqual(now + 13_600);
  });
});

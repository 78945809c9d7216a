// The README's SDK quick start, executed as written against a devnet of its own (the
// snippet uses this machine's clock, which the shared test devnet has been moved away from).
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { Account, CallData, ec, RpcProvider, stark } from "starknet";
import { DevnetProvider } from "starknet-devnet";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/lib/build-contracts.ts";
import { deploySessionAccount, readBuiltContract } from "../../scripts/lib/deploy-account.ts";
import { startDevnet } from "../../scripts/lib/devnet.ts";
import { startEmbeddedRelayer } from "../../relayer/src/embeddedRelayer.ts";

const run = promisify(execFile);

function block(name: string): string {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const match = readme.match(new RegExp(`<!-- ${name}:start -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`));
  if (!match?.[1]) throw new Error(`README.md has no ${name} block`);
  return match[1];
}

describe("README quick start", () => {
  it("runs as written and sends a session transaction", async () => {
    const { devnet, url, rpcUrl } = await startDevnet();
    // Next to README.md, so its `./sdk/index.ts` import resolves as written.
    const file = join(PROJECT_ROOT, ".readme-quickstart.run.ts");
    try {
      const provider = new RpcProvider({ nodeUrl: rpcUrl, transactionRetryIntervalFallback: 100 });
      const [funded] = await new DevnetProvider({ url }).getPredeployedAccounts();
      const deployer = new Account({ provider, address: funded!.address, signer: funded!.private_key });
      const ownerKey = stark.randomAddress();
      const { address } = await deploySessionAccount({ deployer, ownerPublicKey: ec.starkCurve.getStarkKey(ownerKey) });
      await new DevnetProvider({ url }).mint(address, 10n ** 20n, "FRI");
      const { sierra, casm } = readBuiltContract("Counter");
      const declared = await deployer.declareIfNot({ contract: sierra, casm });
      if (declared.transaction_hash) await provider.waitForTransaction(declared.transaction_hash);
      const game = await deployer.deployContract({ classHash: declared.class_hash, constructorCalldata: CallData.compile({ initial: 0 }) });
      await provider.waitForTransaction(game.transaction_hash);

      writeFileSync(file, block("quickstart"));
      const { stdout } = await run(join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [file], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, STARKNET_RPC_URL: rpcUrl, ACCOUNT_ADDRESS: address, OWNER_PRIVATE_KEY: ownerKey, GAME_CONTRACT: game.contract_address },
      });
      expect(stdout).toMatch(/^0x[0-9a-f]+ active 9 calls left$/m);
      const [value] = await provider.callContract({ contractAddress: game.contract_address, entrypoint: "get" });
      expect(BigInt(value ?? 0)).toBe(1n);
    } finally {
      rmSync(file, { force: true });
      devnet.kill("SIGTERM");
    }
  });

  it("wallet API: create, sign once, act, as written, against a relayer", async () => {
    const { devnet, url, rpcUrl } = await startDevnet();
    const file = join(PROJECT_ROOT, ".readme-wallet-quickstart.run.ts");
    let relayer: Awaited<ReturnType<typeof startEmbeddedRelayer>> | undefined;
    try {
      const provider = new RpcProvider({ nodeUrl: rpcUrl, transactionRetryIntervalFallback: 100 });
      const predeployed = await new DevnetProvider({ url }).getPredeployedAccounts();
      const deployer = new Account({ provider, address: predeployed[0]!.address, signer: predeployed[0]!.private_key });
      const ownerKey = stark.randomAddress();
      const { address } = await deploySessionAccount({ deployer, ownerPublicKey: ec.starkCurve.getStarkKey(ownerKey) });
      const { sierra, casm } = readBuiltContract("Counter");
      const declared = await deployer.declareIfNot({ contract: sierra, casm });
      if (declared.transaction_hash) await provider.waitForTransaction(declared.transaction_hash);
      const game = await deployer.deployContract({ classHash: declared.class_hash, constructorCalldata: CallData.compile({ initial: 0 }) });
      await provider.waitForTransaction(game.transaction_hash);
      relayer = await startEmbeddedRelayer({ rpcUrl, relayerAccounts: [{ address: predeployed[9]!.address, privateKey: predeployed[9]!.private_key }], options: { logger: false } });

      writeFileSync(file, block("wallet-quickstart"));
      const { stdout } = await run(join(PROJECT_ROOT, "node_modules", ".bin", "tsx"), [file], {
        cwd: PROJECT_ROOT,
        env: { ...process.env, STARKNET_RPC_URL: rpcUrl, ACCOUNT_ADDRESS: address, OWNER_PRIVATE_KEY: ownerKey, GAME_CONTRACT: game.contract_address, RELAYER_URL: relayer.url, RELAYER_API_KEY: relayer.apiKey.secret, RELAYER_POLICY_ID: relayer.apiKey.id },
      });
      expect(stdout).toMatch(/^included 0x[0-9a-f]+$/m);
      const [value] = await provider.callContract({ contractAddress: game.contract_address, entrypoint: "get" });
      expect(BigInt(value ?? 0)).toBe(1n);
      // The account paid nothing and sent no registration: its nonce never moved.
      expect(BigInt(await provider.getNonceForAddress(address))).toBe(0n);
    } finally {
      rmSync(file, { force: true });
      await relayer?.stop();
      devnet.kill("SIGTERM");
    }
  });
});

// `npm run bench:sdk`: what the SDK costs a dApp, measured side by side in one run:
// session signatures per second against starknet.js's own Signer, createSessionKey /
// decrypt with the chosen KDF, and the time from executeTransactionWithSession to receipt
// against a plain starknet.js owner Account.execute + wait on the same devnet.
import { Account, type Call, CallData, constants, ec, encode, logger, RpcProvider, Signer, stark } from "starknet";
import { DevnetProvider } from "starknet-devnet";
import { addSessionKeyToContract, createSessionKey, decryptPrivateKey, executeTransactionWithSession, SCRYPT_PARAMS, SessionSigner } from "../sdk/index.ts";
import { buildContracts } from "./lib/build-contracts.ts";
import { deploySessionAccount, readBuiltContract } from "./lib/deploy-account.ts";
import { sdkBundleSize } from "./lib/bundle-size.ts";
import { startDevnet } from "./lib/devnet.ts";

logger.setLogLevel("ERROR");
const ROUNDS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function time(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

async function main() {
  console.log(`[bench:sdk] Node ${process.versions.node}, ${ROUNDS} rounds per figure, medians`);

  // Signing: the session signer over a real invoke (hash + ECDSA), as Account.execute uses
  // it, against starknet.js's own Signer with the same key on the same transaction.
  const privateKey = stark.randomAddress();
  const signer = new SessionSigner({ privateKey, validUntil: 2_000_000_000, generation: 1, accountAddress: "0x789", chainId: constants.StarknetChainId.SN_SEPOLIA });
  const anchor = new Signer(privateKey);
  const calls: Call[] = [{ contractAddress: "0x123", entrypoint: "transfer", calldata: ["0x456", "0x1", "0x0"] }];
  const details = {
    walletAddress: "0x789", chainId: constants.StarknetChainId.SN_SEPOLIA, cairoVersion: "1" as const, version: "0x3" as const, nonce: 1, tip: 0,
    resourceBounds: { l1_gas: { max_amount: 0n, max_price_per_unit: 1n }, l2_gas: { max_amount: 10n ** 7n, max_price_per_unit: 10n ** 9n }, l1_data_gas: { max_amount: 1_000n, max_price_per_unit: 1n } },
    paymasterData: [], accountDeploymentData: [], nonceDataAvailabilityMode: "L1" as const, feeDataAvailabilityMode: "L1" as const,
  };
  // Short alternating batches, so both see the same machine load; warm-up batches first (JIT).
  const batch = 50;
  const signingRate = async (subject: Signer) => (batch / (await time(async () => {
    for (let i = 0; i < batch; i++) await subject.signTransaction(calls, { ...details, nonce: i });
  }))) * 1000;
  for (let i = 0; i < 4; i++) await signingRate(i % 2 === 0 ? anchor : signer);
  const anchorRates: number[] = [];
  const sessionRates: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < 3 * ROUNDS; i++) {
    const anchorRate = await signingRate(anchor);
    const sessionRate = await signingRate(signer);
    anchorRates.push(anchorRate);
    sessionRates.push(sessionRate);
    ratios.push(sessionRate / anchorRate);
  }

  const createMs: number[] = [];
  const decryptMs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    let encrypted = "";
    createMs.push(await time(async () => ({ encryptedPrivateKey: encrypted } = await createSessionKey({ encryptKey: "bench passphrase" }))));
    decryptMs.push(await time(() => decryptPrivateKey(encrypted, "bench passphrase")));
  }

  const bundle = await sdkBundleSize(["createSessionKey", "SessionSigner", "executeTransactionWithSession"]);
  await buildContracts({ quiet: true });
  const { devnet, rpcUrl, url } = await startDevnet();
  try {
    const provider = new RpcProvider({ nodeUrl: rpcUrl, transactionRetryIntervalFallback: 50 });
    const [funded] = await new DevnetProvider({ url }).getPredeployedAccounts();
    if (!funded) throw new Error("devnet has no predeployed account");
    const deployer = new Account({ provider, address: funded.address, signer: funded.private_key });
    const ownerKey = `0x${encode.buf2hex(ec.starkCurve.utils.randomPrivateKey())}`;
    const { address } = await deploySessionAccount({ deployer, ownerPublicKey: ec.starkCurve.getStarkKey(ownerKey) });
    await new DevnetProvider({ url }).mint(address, 10n ** 21n, "FRI");
    const owner = new Account({ provider, address, signer: ownerKey, cairoVersion: "1" });
    const counterClass = readBuiltContract("Counter");
    const declared = await deployer.declareIfNot({ contract: counterClass.sierra, casm: counterClass.casm });
    if (declared.transaction_hash) await provider.waitForTransaction(declared.transaction_hash);
    const counter = await deployer.deployContract({ classHash: declared.class_hash, constructorCalldata: CallData.compile({ initial: 0 }) });
    await provider.waitForTransaction(counter.transaction_hash);
    const increase: Call[] = [{ contractAddress: counter.contract_address, entrypoint: "increase", calldata: [1] }];

    const now = (await provider.getBlockWithTxHashes("latest")).timestamp;
    const key = await createSessionKey({ encryptKey: "bench passphrase", now, durationSeconds: 3_600 });
    await addSessionKeyToContract({ account: owner, sessionPublicKey: key.publicKey, validUntil: key.validUntil, maxCalls: 1_000, allowedEntrypoints: ["increase"] });
    const session = { encryptedPrivateKey: key.encryptedPrivateKey, encryptKey: "bench passphrase", validUntil: key.validUntil };
    const sessionWithPlainKey = { privateKey: await decryptPrivateKey(key.encryptedPrivateKey, "bench passphrase"), validUntil: key.validUntil };

    const ownerMs: number[] = [];
    const sessionMs: number[] = [];
    const sessionPlainMs: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ownerMs.push(await time(async () => provider.waitForTransaction((await owner.execute(increase)).transaction_hash)));
      sessionMs.push(await time(() => executeTransactionWithSession({ provider, accountAddress: address, session, calls: increase })));
      sessionPlainMs.push(await time(() => executeTransactionWithSession({ provider, accountAddress: address, session: sessionWithPlainKey, calls: increase })));
    }

    console.log("");
    console.log("| figure | value |");
    console.log("| --- | ---: |");
    console.log(`| starknet.js Signer invoke signatures (tx hash + ECDSA) per second | ${median(anchorRates).toFixed(0)} |`);
    console.log(`| SessionSigner invoke signatures (same transaction) per second | ${median(sessionRates).toFixed(0)} |`);
    console.log(`| SessionSigner / starknet.js Signer | ${median(ratios).toFixed(2)}x |`);
    console.log(`| package in a dApp bundle importing createSessionKey, SessionSigner, executeTransactionWithSession (minified / + gzip; starknet.js and noble are the dApp's) | ${(bundle.minified / 1024).toFixed(1)} KiB / ${(bundle.gzipped / 1024).toFixed(1)} KiB |`);
    console.log(`| ... plus the Merkle-policy chunk, loaded only by policy sessions (gzip, without @openzeppelin/merkle-tree) | ${(bundle.lazyGzipped / 1024).toFixed(1)} KiB |`);
    console.log(`| createSessionKey (scrypt N=${SCRYPT_PARAMS.N} r=${SCRYPT_PARAMS.r} p=${SCRYPT_PARAMS.p} + AES-256-GCM) | ${median(createMs).toFixed(0)} ms |`);
    console.log(`| decryptPrivateKey | ${median(decryptMs).toFixed(0)} ms |`);
    console.log(`| owner Account.execute -> receipt (starknet.js) | ${median(ownerMs).toFixed(0)} ms |`);
    console.log(`| executeTransactionWithSession -> receipt, encrypted key (decrypt + preflight + send) | ${median(sessionMs).toFixed(0)} ms (${(median(sessionMs) / median(ownerMs)).toFixed(2)}x) |`);
    console.log(`| executeTransactionWithSession -> receipt, key already decrypted (preflight + send) | ${median(sessionPlainMs).toFixed(0)} ms (${(median(sessionPlainMs) / median(ownerMs)).toFixed(2)}x) |`);
  } finally {
    devnet.kill("SIGTERM");
  }
}

main().catch((error: unknown) => {
  console.error(`[bench:sdk] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

// `npm run bench:gas`: the same STRK transfer sent many ways on one devnet, side by side:
// devnet's predeployed OpenZeppelin account, our account owner-signed, session-signed
// with a 1-entry and a 100-entry whitelist, policy sessions (Merkle methods of 8 and 1,024
// leaves, a pinned recipient, a spending limit, a fee budget), a session the owner
// authorized off-chain (its first use, which registers it, and a later use) against the same
// policy registered on chain, and a session-signed outside execution relayed by another
// account; then what registering sessions costs.
// Prints the L2 gas of each and the ratios against targets.
import { Account, type Call, CallData, cairo, ec, hash, OutsideExecutionVersion, outsideExecution, RpcProvider, stark } from "starknet";
import { DevnetProvider } from "starknet-devnet";
import { authorizeSession } from "../sdk/actions/authorizeSession.ts";
import { getAddSessionWithPolicyCall, getSetSpendingPolicyCall, type SessionPolicyInput } from "../sdk/builders/sessionCalls.ts";
import { buildMethodPolicy, type MethodPolicyEntry, methodPolicyProver } from "../sdk/policies/methods.ts";
import { SessionSigner } from "../sdk/signers/sessionSigner.ts";
import { nextOutsideExecutionNonce } from "../sdk/utils/outsideNonces.ts";
import { buildContracts } from "./lib/build-contracts.ts";
import { deploySessionAccount, STRK_TOKEN_ADDRESS } from "./lib/deploy-account.ts";
import { startDevnet } from "./lib/devnet.ts";

/** Transactions per row; the table shows the median (the first one warms storage up). */
const RUNS = 3;

function log(message: string) {
  console.log(`[bench:gas] ${message}`);
}

function transfer(recipient: string): Call {
  return { contractAddress: STRK_TOKEN_ADDRESS, entrypoint: "transfer", calldata: CallData.compile({ recipient, amount: cairo.uint256(1000n) }) };
}

async function l2Gas(provider: RpcProvider, transactionHash: string): Promise<bigint> {
  const receipt = await provider.waitForTransaction(transactionHash);
  if (!receipt.isSuccess()) throw new Error(`benchmark transaction ${transactionHash} failed: ${JSON.stringify(receipt.value)}`);
  const resources = (receipt.value as { execution_resources?: { l2_gas?: number | string } }).execution_resources;
  if (resources?.l2_gas === undefined) throw new Error(`receipt of ${transactionHash} has no execution_resources.l2_gas`);
  return BigInt(resources.l2_gas);
}

function median(values: bigint[]): bigint {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted[Math.floor(sorted.length / 2)] as bigint;
}

async function measure(name: string, send: () => Promise<string>, provider: RpcProvider): Promise<bigint> {
  const samples: bigint[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await l2Gas(provider, await send()));
  log(`${name}: ${samples.join(", ")}`);
  return median(samples);
}

async function main() {
  await buildContracts({ quiet: true });
  log("starting devnet ...");
  const { devnet, rpcUrl } = await startDevnet();
  try {
    const provider = new RpcProvider({ nodeUrl: rpcUrl, transactionRetryIntervalFallback: 100 });
    const devnetApi = new DevnetProvider({ url: devnet.provider.url });
    const [oz0, oz1] = await devnetApi.getPredeployedAccounts();
    if (!oz0 || !oz1) throw new Error("devnet has too few predeployed accounts");
    const openZeppelin = new Account({ provider, address: oz0.address, signer: oz0.private_key });
    const relayer = new Account({ provider, address: oz1.address, signer: oz1.private_key });
    const recipient = stark.randomAddress();
    // The recipient holds STRK before any row, so every row writes the same slots.
    await provider.waitForTransaction((await openZeppelin.execute(transfer(recipient))).transaction_hash);

    const ownerKey = stark.randomAddress();
    const { address } = await deploySessionAccount({ deployer: openZeppelin, ownerPublicKey: ec.starkCurve.getStarkKey(ownerKey) });
    await devnetApi.mint(address, 10n ** 21n, "FRI");
    const owner = new Account({ provider, address, signer: ownerKey, cairoVersion: "1" });
    const now = (await provider.getBlockWithTxHashes("latest")).timestamp;
    const validUntil = now + 86_400;

    const registrations: Record<string, bigint> = {};
    async function session(entrypoints: string[], label?: string): Promise<Account> {
      const key = stark.randomAddress();
      const call: Call = {
        contractAddress: address,
        entrypoint: "add_or_update_session_key",
        calldata: CallData.compile({ session_key: ec.starkCurve.getStarkKey(key), valid_until: validUntil, max_calls: 1000, allowed_entrypoints: entrypoints }),
      };
      const gas = await l2Gas(provider, (await owner.execute(call)).transaction_hash);
      if (label) registrations[label] = gas;
      const generation = BigInt((await provider.callContract({ contractAddress: address, entrypoint: "get_session_generation", calldata: [ec.starkCurve.getStarkKey(key)] }))[0] ?? 0);
      const signer = new SessionSigner({ privateKey: key, validUntil, generation, accountAddress: address, chainId: await provider.getChainId() });
      return new Account({ provider, address, signer, cairoVersion: "1", defaultTipType: "minTip" });
    }
    /** A policy session, its signer attaching the method proofs. */
    async function policySession(methods: MethodPolicyEntry[], policy: SessionPolicyInput = {}, label?: string): Promise<Account> {
      const key = stark.randomAddress();
      const publicKey = ec.starkCurve.getStarkKey(key);
      const methodPolicy = buildMethodPolicy(methods);
      const register = getAddSessionWithPolicyCall({ accountAddress: address, sessionPublicKey: publicKey, validUntil, maxCalls: 1000, policy: { ...policy, methodsRoot: methodPolicy.root } });
      const gas = await l2Gas(provider, (await owner.execute(register)).transaction_hash);
      if (label) registrations[label] = gas;
      const signer = new SessionSigner({ privateKey: key, validUntil, generation: 1, accountAddress: address, chainId: await provider.getChainId(), policy: methodPolicyProver(methodPolicy) });
      const sessionAccount = new Account({ provider, address, signer, cairoVersion: "1", defaultTipType: "minTip" });
      return Object.assign(sessionAccount, { publicKey });
    }
    const filler = (count: number): MethodPolicyEntry[] => Array.from({ length: count }, (_, i) => ({ contractAddress: `0x${(0x10_000 + i).toString(16)}`, entrypoint: `method_${i}` }));
    const strkTransfer: MethodPolicyEntry = { contractAddress: STRK_TOKEN_ADDRESS, entrypoint: "transfer" };

    const transferSelector = hash.getSelectorFromName("transfer");
    const oneEntry = await session([transferSelector]);
    const hundredSelectors = [...Array.from({ length: 99 }, (_, i) => hash.getSelectorFromName(`entrypoint_${i}`)), transferSelector];
    const byValue = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : 1);
    // As the SDK sends them (increasing), and in any other order (each checked for repeats).
    const hundredEntries = await session([...hundredSelectors].sort(byValue), "SNIP whitelist of 100 selectors, in increasing order (as the SDK sends them)");
    await session(hundredSelectors, "SNIP whitelist of 100 selectors, in any other order");
    const merkle8 = await policySession([...filler(7), strkTransfer], {}, "policy with 8 method leaves");
    const merkle1024 = await policySession([...filler(1_023), strkTransfer], {}, "policy with 1,024 method leaves");
    const pinned = await policySession([{ ...strkTransfer, pinned: [{ index: 0, value: recipient }] }]);
    const spendLimited = await policySession([strkTransfer]);
    await provider.waitForTransaction(
      (await owner.execute(getSetSpendingPolicyCall({ accountAddress: address, sessionPublicKey: (spendLimited as Account & { publicKey: string }).publicKey, token: STRK_TOKEN_ADDRESS, maxPerCall: 10n ** 18n, maxPerWindow: 10n ** 19n, windowSeconds: 86_400 }))).transaction_hash,
    );
    const budgeted = await policySession([strkTransfer], { feeBudget: 100n * 10n ** 18n, rateLimit: { maxTransactions: 1_000, periodSeconds: 3_600 } });
    const relayedSession = await session([transferSelector]);
    // The same policy both ways: registered by the owner on chain, or authorized off-chain.
    const registeredPolicy = await policySession([strkTransfer], {}, "policy with 1 method leaf (what an off-chain authorization below registers)");
    const chainId = await provider.getChainId();
    /** A fresh key the owner authorizes off-chain (nothing sent), its signer leading with the authorization. */
    async function offChainSession(): Promise<{ first: Account; later: Account }> {
      const key = stark.randomAddress();
      const built = await authorizeSession({ provider, accountAddress: address, sessionPublicKey: ec.starkCurve.getStarkKey(key), validUntil, maxCalls: 1000, policy: { methods: [strkTransfer] } });
      const authorization = built.authorization(await owner.signMessage(built.typedData));
      const prover = methodPolicyProver(built.methodPolicy);
      const signer = (withAuthorization: boolean) =>
        new SessionSigner({ privateKey: key, validUntil, generation: 1, accountAddress: address, chainId, policy: prover, ...(withAuthorization ? { authorization } : {}) });
      return {
        first: new Account({ provider, address, signer: signer(true), cairoVersion: "1", defaultTipType: "minTip" }),
        later: new Account({ provider, address, signer: signer(false), cairoVersion: "1", defaultTipType: "minTip" }),
      };
    }
    const offChainLater = await offChainSession();
    await provider.waitForTransaction((await offChainLater.first.execute(transfer(recipient), { tip: 0n, skipValidate: false })).transaction_hash);

    // A second SessionAccount, owner-signed, as the relayer: what a dApp running its own
    // relayer on this account would pay.
    const relayerKey = stark.randomAddress();
    const relayerDeployment = await deploySessionAccount({ deployer: openZeppelin, ownerPublicKey: ec.starkCurve.getStarkKey(relayerKey) });
    await devnetApi.mint(relayerDeployment.address, 10n ** 21n, "FRI");
    const ownRelayer = new Account({ provider, address: relayerDeployment.address, signer: relayerKey, cairoVersion: "1" });
    // Nonces as the SDK and the relayer number them: consecutive, 128 to a storage cell of
    // the account, so one execution in 128 opens a new cell; a random nonce opens one each
    // time (measured apart).
    const consecutiveNonce = () => nextOutsideExecutionNonce("bench:gas");
    const relayVia = (submitter: Account, nonce: () => string = consecutiveNonce) => async () => {
      const block = (await provider.getBlockWithTxHashes("latest")).timestamp;
      const outside = await relayedSession.getOutsideTransaction(
        { caller: "ANY_CALLER", execute_after: block - 300, execute_before: block + 1_200 },
        [transfer(recipient)],
        OutsideExecutionVersion.V2,
        nonce(),
      );
      return (await submitter.execute(outsideExecution.buildExecuteFromOutsideCall(outside))).transaction_hash;
    };
    // Opens the word the measured executions then share.
    await l2Gas(provider, await relayVia(relayer)());

    const send = (account: Account) => async () => (await account.execute(transfer(recipient))).transaction_hash;
    // Estimated with validation: starknet.js otherwise leaves no room for a policy session's.
    const sendPolicy = (account: Account) => async () => (await account.execute(transfer(recipient), { tip: 0n, skipValidate: false })).transaction_hash;
    const rows = {
      openZeppelin: await measure("OpenZeppelin account (devnet predeployed)", send(openZeppelin), provider),
      owner: await measure("SessionAccount, owner-signed", send(owner), provider),
      session1: await measure("SessionAccount, session, 1-entry whitelist", send(oneEntry), provider),
      session100: await measure("SessionAccount, session, 100-entry whitelist", send(hundredEntries), provider),
      merkle8: await measure("policy session, Merkle methods, 8 leaves", sendPolicy(merkle8), provider),
      merkle1024: await measure("policy session, Merkle methods, 1,024 leaves", sendPolicy(merkle1024), provider),
      pinned: await measure("policy session, pinned recipient", sendPolicy(pinned), provider),
      spendLimited: await measure("policy session, spending limit on STRK", sendPolicy(spendLimited), provider),
      budgeted: await measure("policy session, fee budget and rate limit", sendPolicy(budgeted), provider),
      registeredPolicy: await measure("policy session registered on chain, 1 method leaf", sendPolicy(registeredPolicy), provider),
      offChainFirst: await measure("off-chain session, first use (carries the authorization, registers)", async () => sendPolicy((await offChainSession()).first)(), provider),
      offChainLater: await measure("off-chain session, a later use", sendPolicy(offChainLater.later), provider),
      relayed: await measure("session-signed outside execution, relayed by an OpenZeppelin account", relayVia(relayer), provider),
      relayedNewWord: await measure("the same with a random nonce (a new nonce cell)", relayVia(relayer, () => stark.randomAddress()), provider),
      relayedOwn: await measure("session-signed outside execution, relayed by a SessionAccount", relayVia(ownRelayer), provider),
    };

    const ratio = (a: bigint, b: bigint) => Number(a) / Number(b);
    const checks = [
      { name: "owner / OpenZeppelin", value: ratio(rows.owner, rows.openZeppelin), target: 0.95 },
      { name: "session (1 entry) / owner", value: ratio(rows.session1, rows.owner), target: 1.15 },
      { name: "session (100 entries) / session (1 entry)", value: ratio(rows.session100, rows.session1), target: 1.02 },
      { name: "policy, 1,024 Merkle leaves / session (1 entry)", value: ratio(rows.merkle1024, rows.session1), target: 1.25 },
      { name: "off-chain session, later use / the same policy registered on chain", value: ratio(rows.offChainLater, rows.registeredPolicy), target: 1.0 },
      { name: "relayed outside execution (OpenZeppelin relayer) / session (1 entry)", value: ratio(rows.relayed, rows.session1), target: 1.6 },
      { name: "relayed outside execution (SessionAccount relayer) / session (1 entry)", value: ratio(rows.relayedOwn, rows.session1), target: 1.6 },
    ];
    console.log("");
    console.log(`| STRK transfer sent by | L2 gas (median of ${RUNS}) |`);
    console.log("| --- | ---: |");
    console.log(`| OpenZeppelin account (devnet predeployed) | ${rows.openZeppelin.toLocaleString("en-US")} |`);
    console.log(`| SessionAccount, owner-signed | ${rows.owner.toLocaleString("en-US")} |`);
    console.log(`| SessionAccount, session-signed, 1-entry whitelist | ${rows.session1.toLocaleString("en-US")} |`);
    console.log(`| SessionAccount, session-signed, 100-entry whitelist | ${rows.session100.toLocaleString("en-US")} |`);
    console.log(`| policy session, Merkle methods, 8 leaves | ${rows.merkle8.toLocaleString("en-US")} |`);
    console.log(`| policy session, Merkle methods, 1,024 leaves | ${rows.merkle1024.toLocaleString("en-US")} |`);
    console.log(`| policy session, pinned recipient | ${rows.pinned.toLocaleString("en-US")} |`);
    console.log(`| policy session, spending limit on STRK | ${rows.spendLimited.toLocaleString("en-US")} |`);
    console.log(`| policy session, fee budget and rate limit | ${rows.budgeted.toLocaleString("en-US")} |`);
    console.log(`| policy session registered on chain, 1 method leaf | ${rows.registeredPolicy.toLocaleString("en-US")} |`);
    console.log(`| off-chain session (same terms), first use: carries the authorization, registers | ${rows.offChainFirst.toLocaleString("en-US")} |`);
    console.log(`| off-chain session (same terms), a later use | ${rows.offChainLater.toLocaleString("en-US")} |`);
    console.log(`| session-signed outside execution, relayed by an OpenZeppelin account | ${rows.relayed.toLocaleString("en-US")} |`);
    console.log(`| the same with a random nonce: a new nonce cell (1 execution in 128 with the SDK's consecutive nonces) | ${rows.relayedNewWord.toLocaleString("en-US")} |`);
    console.log(`| session-signed outside execution, relayed by a SessionAccount (owner-signed) | ${rows.relayedOwn.toLocaleString("en-US")} |`);
    console.log("");
    console.log("| registering a session | L2 gas |");
    console.log("| --- | ---: |");
    for (const [label, gas] of Object.entries(registrations)) console.log(`| ${label} | ${gas.toLocaleString("en-US")} |`);
    console.log("");
    console.log("| ratio | measured | target | |");
    console.log("| --- | ---: | ---: | --- |");
    for (const check of checks) {
      console.log(`| ${check.name} | ${check.value.toFixed(3)}x | <= ${check.target.toFixed(2)}x | ${check.value <= check.target ? "met" : "MISSED"} |`);
    }
  } finally {
    devnet.kill("SIGTERM");
  }
}

main().catch((error: unknown) => {
  console.error(`[bench:gas] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

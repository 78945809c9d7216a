// `npm run demo`: the whole session flow, step by step, on an embedded local devnet with
// no configuration (or on the network in .env). Exits non-zero if any step misbehaves.
import { Account, type Call, CallData, ec, encode, logger, PaymasterRpc, stark } from "starknet";
import { DevnetProvider } from "starknet-devnet";
import {
  addSessionKeyToContract,
  createSessionKey,
  executeTransactionWithSession,
  getSessionData,
  getSetSpendingPolicyCall,
  revokeSessionKey,
  SessionError,
} from "../sdk/index.ts";
import { startEmbeddedRelayer } from "../relayer/src/embeddedRelayer.ts";
import { buildContracts } from "./lib/build-contracts.ts";
import { deploySessionAccount, formatStrk, readBuiltContract, STRK_TOKEN_ADDRESS, strkBalance } from "./lib/deploy-account.ts";
import { startDevnet } from "./lib/devnet.ts";
import { ConfigError, connectNetwork, env } from "./lib/network.ts";

logger.setLogLevel("ERROR");
const DEMO_PIN = "1234";

class DemoError extends Error {}

let stepNumber = 0;
function step(title: string) {
  stepNumber += 1;
  console.log(`\n${stepNumber}. ${title}`);
}
function info(message: string) {
  console.log(`   ${message}`);
}
function callsLeft(n: number): string {
  return `${n} call${n === 1 ? "" : "s"} left`;
}
function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new DemoError(message);
}

async function main() {
  await buildContracts({ quiet: true });
  const embedded = env("STARKNET_RPC_URL") === undefined ? await startDevnet() : undefined;
  try {
    step("Connect");
    const network = await connectNetwork({ localDevnetUrl: embedded?.url ?? "", localHint: "the embedded devnet did not answer." });
    const { provider, deployer } = network;
    info(`network: ${embedded ? `embedded starknet-devnet at ${embedded.url}` : network.name}`);
    info(`deployer / relayer: ${deployer.address}`);

    step("Deploy a SessionAccount for a new owner key");
    const ownerKey = env("OWNER_PRIVATE_KEY") ?? `0x${encode.buf2hex(ec.starkCurve.utils.randomPrivateKey())}`;
    const deployed = await deploySessionAccount({
      deployer,
      ownerPublicKey: ec.starkCurve.getStarkKey(ownerKey),
      fundAmount: network.local ? 0n : 2n * 10n ** 17n,
      onProgress: info,
    });
    if (network.devnetUrl) await new DevnetProvider({ url: network.devnetUrl }).mint(deployed.address, 50n * 10n ** 18n, "FRI");
    const owner = new Account({ provider, address: deployed.address, signer: ownerKey, cairoVersion: "1" });
    info(`account: ${deployed.address} (balance ${formatStrk(await strkBalance(provider, deployed.address))} STRK)`);

    step("Deploy a counter for the session to use");
    const counterClass = readBuiltContract("Counter");
    const declared = await deployer.declareIfNot({ contract: counterClass.sierra, casm: counterClass.casm });
    if (declared.transaction_hash) await provider.waitForTransaction(declared.transaction_hash);
    const counterDeployment = await deployer.deployContract({ classHash: declared.class_hash, constructorCalldata: CallData.compile({ initial: 0 }), salt: stark.randomAddress() });
    await provider.waitForTransaction(counterDeployment.transaction_hash);
    const counter = counterDeployment.contract_address;
    const counterValue = async () => BigInt((await provider.callContract({ contractAddress: counter, entrypoint: "get" }))[0] ?? -1);
    const increase = (amount: number): Call => ({ contractAddress: counter, entrypoint: "increase", calldata: [amount] });
    info(`counter: ${counter}`);

    step(`Create a session key, encrypted with the PIN ${DEMO_PIN} (a real app asks the user)`);
    const now = (await provider.getBlockWithTxHashes("latest")).timestamp;
    // A 4-digit PIN falls to an offline guesser in under an hour: acceptable only for a
    // short session, and the SDK makes it a visible choice.
    const sessionKey = await createSessionKey({ encryptKey: DEMO_PIN, allowWeakSecret: true, durationSeconds: 3_600, now });
    info(`public key: ${sessionKey.publicKey}`);
    info(`valid until: ${new Date(sessionKey.validUntil * 1000).toISOString()}`);
    info(`stored form: ${sessionKey.encryptedPrivateKey.slice(0, 72)}...`);
    step("The owner registers it once, as a policy session: only the counter's `increase` and STRK transfers to one merchant, at most 5 transactions, 0.05 STRK of fees each, 1.5 STRK spent a day");
    const merchant = "0x4d45524348414e54"; // 'MERCHANT'
    const registered = await addSessionKeyToContract({
      account: owner,
      sessionPublicKey: sessionKey.publicKey,
      validUntil: sessionKey.validUntil,
      maxCalls: 5,
      policy: {
        methods: [
          { contractAddress: counter, entrypoint: "increase" },
          { contractAddress: STRK_TOKEN_ADDRESS, entrypoint: "transfer", pinned: [{ index: 0, value: merchant }] },
        ],
        maxFeePerTx: 5n * 10n ** 16n,
      },
    });
    const limit = await owner.execute(getSetSpendingPolicyCall({ accountAddress: deployed.address, sessionPublicKey: sessionKey.publicKey, token: STRK_TOKEN_ADDRESS, maxPerCall: 10n ** 18n, maxPerWindow: 15n * 10n ** 17n, windowSeconds: 86_400 }));
    await provider.waitForTransaction(limit.transaction_hash);
    info(`tx ${registered.transactionHash} (policy root ${registered.methodPolicy?.root}), spending limit tx ${limit.transaction_hash}`);
    // The dApp keeps the policy with the encrypted key: the SDK proves each call with it.
    const session = { encryptedPrivateKey: sessionKey.encryptedPrivateKey, encryptKey: DEMO_PIN, validUntil: sessionKey.validUntil, methodPolicy: registered.methodPolicy?.serialize() ?? "" };
    let data = await getSessionData({ provider, accountAddress: deployed.address, sessionPublicKey: sessionKey.publicKey });
    check(data.isActive && data.remainingCalls === 5 && data.maxFeePerTx === 5n * 10n ** 16n, `expected an active policy session with 5 calls, got ${JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`);
    info(`status ${data.status}, ${callsLeft(data.remainingCalls)}, fee cap ${formatStrk(data.maxFeePerTx)} STRK per transaction`);

    step("Send two session transactions (no wallet popup: the session key signs)");
    for (const amount of [5, 7]) {
      const sent = await executeTransactionWithSession({ provider, accountAddress: deployed.address, session, calls: [increase(amount)] });
      data = await getSessionData({ provider, accountAddress: deployed.address, sessionPublicKey: sessionKey.publicKey });
      info(`increase(${amount}): tx ${sent.transactionHash}, fee ${formatStrk(sent.fee)} STRK, ${callsLeft(data.remainingCalls)}`);
    }
    check((await counterValue()) === 12n, "the counter should read 12");
    info(`counter = ${await counterValue()}`);

    step("Pay the merchant 1 STRK; paying anyone else, or more than the limit, is refused before anything is sent");
    const pay = (to: string, amount: bigint): Call => ({ contractAddress: STRK_TOKEN_ADDRESS, entrypoint: "transfer", calldata: CallData.compile({ recipient: to, amount: { low: amount, high: 0n } }) });
    const paid = await executeTransactionWithSession({ provider, accountAddress: deployed.address, session, calls: [pay(merchant, 10n ** 18n)] });
    info(`paid: tx ${paid.transactionHash}, merchant holds ${formatStrk(await strkBalance(provider, merchant))} STRK`);
    const codeOf = (promise: Promise<unknown>) => promise.then(() => "sent", (error: unknown) => (error instanceof SessionError ? error.code : String(error)));
    const elsewhere = await codeOf(executeTransactionWithSession({ provider, accountAddress: deployed.address, session, calls: [pay(deployer.address, 10n ** 18n)] }));
    check(elsewhere === "SESSION_METHOD_NOT_ALLOWED", `paying someone else should be SESSION_METHOD_NOT_ALLOWED, got ${elsewhere}`);
    const tooMuch = await codeOf(executeTransactionWithSession({ provider, accountAddress: deployed.address, session, calls: [pay(merchant, 10n ** 18n)] }));
    check(tooMuch === "SESSION_SPENDING_LIMIT_EXCEEDED", `a second 1 STRK should be SESSION_SPENDING_LIMIT_EXCEEDED, got ${tooMuch}`);
    info(`another recipient: ${elsewhere}; past the daily limit: ${tooMuch}`);

    step("A call outside the policy is refused before anything is sent");
    const refused = await executeTransactionWithSession({ provider, accountAddress: deployed.address, session, calls: [{ contractAddress: counter, entrypoint: "decrease", calldata: [1] }] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    check(refused instanceof SessionError && refused.code === "SESSION_METHOD_NOT_ALLOWED", `expected SESSION_METHOD_NOT_ALLOWED, got ${String(refused)}`);
    info(`refused: ${refused.code} (${refused.message})`);

    step("Gasless: the session's call goes through our SNIP-29 relayer (npm run relayer's server) with starknet.js PaymasterRpc; the sponsor pays, the account pays nothing");
    const relayerUrl = env("RELAYER_URL");
    // On the embedded devnet, a relayer of its own (the server `npm run relayer` runs) on
    // predeployed account #9; elsewhere, the relayer at RELAYER_URL with RELAYER_API_KEY.
    const relayerAccount = network.devnetUrl ? (await new DevnetProvider({ url: network.devnetUrl }).getPredeployedAccounts())[9] : undefined;
    const local = relayerUrl
      ? undefined
      : await startEmbeddedRelayer({
          rpcUrl: provider.channel.nodeUrl,
          relayerAccounts: [relayerAccount ? { address: relayerAccount.address, privateKey: relayerAccount.private_key } : { address: deployer.address, privateKey: String(env("DEPLOYER_PRIVATE_KEY")) }],
          options: { logger: false },
        });
    try {
      const client = new PaymasterRpc({ nodeUrl: relayerUrl ?? local?.url, headers: { "x-paymaster-api-key": env("RELAYER_API_KEY") ?? local?.apiKey.secret ?? "" } });
      info(`relayer: ${relayerUrl ? "RELAYER_URL" : local?.url} (available: ${await client.isAvailable()})`);
      const balanceBefore = await strkBalance(provider, deployed.address);
      const relayed = await executeTransactionWithSession({ provider, accountAddress: deployed.address, session, calls: [increase(30)], paymaster: { client } });
      const receipt = await provider.getTransactionReceipt(relayed.transactionHash);
      const relayerFee = BigInt((receipt.value as { actual_fee?: { amount: string } }).actual_fee?.amount ?? 0);
      check((await strkBalance(provider, deployed.address)) === balanceBefore, "the account's balance should not change");
      check((await counterValue()) === 42n, "the counter should read 42");
      data = await getSessionData({ provider, accountAddress: deployed.address, sessionPublicKey: sessionKey.publicKey });
      info(`tx ${relayed.transactionHash} (tracking id ${relayed.trackingId}): the relayer paid ${formatStrk(relayerFee)} STRK, the account 0; counter = 42, ${callsLeft(data.remainingCalls)}`);
    } finally {
      await local?.stop();
    }

    step("The owner revokes the session; the next attempt fails");
    const revoked = await revokeSessionKey({ account: owner, sessionPublicKey: sessionKey.publicKey });
    info(`tx ${revoked.transactionHash}`);
    const afterRevoke = await executeTransactionWithSession({ provider, accountAddress: deployed.address, session, calls: [increase(1)] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    check(afterRevoke instanceof SessionError && afterRevoke.code === "SESSION_REVOKED", `expected SESSION_REVOKED, got ${String(afterRevoke)}`);
    info(`refused: ${afterRevoke.code}`);
    data = await getSessionData({ provider, accountAddress: deployed.address, sessionPublicKey: sessionKey.publicKey });
    check(data.status === "revoked", `expected status revoked, got ${data.status}`);
    console.log("\nDemo complete: every step behaved as expected.");
  } finally {
    embedded?.devnet.kill("SIGTERM");
  }
}

main().catch((error: unknown) => {
  if (error instanceof DemoError) console.error(`\n[demo] step ${stepNumber} misbehaved: ${error.message}`);
  else if (error instanceof ConfigError || error instanceof SessionError) console.error(`\n[demo] ${error.name}: ${error.message}`);
  else console.error(`\n[demo] failed at step ${stepNumber}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

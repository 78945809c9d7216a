// `npm run bench:relayer [-- --requests N]`: N concurrent session-signed, sponsored
// requests (default 200, or BENCH_RELAYER_REQUESTS) through two relayer processes that
// share one PostgreSQL and one pool of relayer accounts, on one devnet. Prints their
// throughput and latency beside the same N session-signed outside executions submitted
// directly from the same funded accounts (no relayer), and checks what the database
// coordination must guarantee: every request included once or refused clearly, nothing
// lost, nothing executed twice, no relayer nonce handed out twice, and the sponsor's
// budget equal to the receipts' fees. Exits non-zero if any of that does not hold.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Account, type Call, CallData, ec, logger, outsideExecution, type ResourceBoundsBN, RpcProvider, stark } from "starknet";
import { DevnetProvider } from "starknet-devnet";
import { connectDatabase } from "../relayer/src/db/database.ts";
import { startEmbeddedDatabase } from "../relayer/src/db/embedded.ts";
import { migrate } from "../relayer/src/db/migrate.ts";
import { createApiKey } from "../relayer/src/sponsor/apiKeys.ts";
import { getAddSessionKeyCall } from "../sdk/builders/sessionCalls.ts";
import { SessionSigner } from "../sdk/signers/sessionSigner.ts";
import { buildContracts } from "./lib/build-contracts.ts";
import { deploySessionAccount, formatStrk, readBuiltContract } from "./lib/deploy-account.ts";
import { startDevnet } from "./lib/devnet.ts";
import { formatDuration, log } from "./lib/log.ts";
import { type RelayerProcess, spawnRelayer } from "./lib/relayer-process.ts";
import { auditRelayer, chainNonces, clientErrorText, type RelayedRequest, sendRelayed, waitForSettlement } from "./lib/relayer-load.ts";

logger.setLogLevel("ERROR");

const SCOPE = "bench:relayer";
const DEFAULT_REQUESTS = 200;
/** SessionAccounts the requests are spread over, each with one session. */
const USERS = 4;
/** Devnet's predeployed #1-#8: the relayer accounts of both processes, and the direct submitters. */
const SUBMITTER_INDEXES = [1, 2, 3, 4, 5, 6, 7, 8];
/** Predeployed #9 estimates the direct path's transactions: it never sends, so its nonce never moves under an estimate. */
const DIRECT_ESTIMATOR_INDEX = 9;
const PROCESSES = 2;
/** Requests sent (and not measured) before each measured load: JIT, connection pools. */
const WARM_UP = 8;
const RECEIPT_POLL_MS = 50;

const say = (message: string) => log(message, SCOPE);

function requestCount(): number {
  const { values } = parseArgs({ options: { requests: { type: "string" } } });
  const text = values.requests ?? process.env.BENCH_RELAYER_REQUESTS ?? String(DEFAULT_REQUESTS);
  const count = Number(text);
  if (!Number.isInteger(count) || count < PROCESSES) throw new Error(`--requests must be a whole number >= ${PROCESSES} (got ${JSON.stringify(text)})`);
  return count;
}

interface Sample {
  startedAt: number;
  /** When the client held the receipt of an included, successful transaction. */
  includedAt?: number;
  error?: string;
}

interface LoadResult {
  samples: Sample[];
  /** First start to last receipt. */
  wallMs: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

function summary({ samples, wallMs }: LoadResult) {
  const latencies = samples.flatMap((sample) => (sample.includedAt === undefined ? [] : [sample.includedAt - sample.startedAt])).sort((a, b) => a - b);
  return { included: latencies.length, errors: samples.length - latencies.length, throughput: (latencies.length / wallMs) * 1000, p50: percentile(latencies, 50), p95: percentile(latencies, 95), wallMs };
}

/** Fires `count` requests at once; `send` returns the hash to wait for. Reports progress every 5 s. */
async function load(label: string, count: number, provider: RpcProvider, send: (index: number) => Promise<string>): Promise<LoadResult> {
  let answered = 0;
  let included = 0;
  let errors = 0;
  const firstErrors: string[] = [];
  const progress = setInterval(() => say(`${label}: ${answered}/${count} answered, ${included} included, ${errors} errors`), 5_000);
  const started = performance.now();
  try {
    const samples = await Promise.all(
      Array.from({ length: count }, async (_, index): Promise<Sample> => {
        const sample: Sample = { startedAt: performance.now() };
        try {
          const hash = await send(index);
          answered += 1;
          const receipt = await provider.waitForTransaction(hash, { retryInterval: RECEIPT_POLL_MS });
          if (!receipt.isSuccess()) throw new Error(`transaction ${hash} did not succeed: ${JSON.stringify(receipt.value).slice(0, 200)}`);
          sample.includedAt = performance.now();
          included += 1;
        } catch (error) {
          sample.error = clientErrorText(error);
          errors += 1;
          if (firstErrors.length < 3) firstErrors.push(sample.error);
        }
        return sample;
      }),
    );
    for (const error of firstErrors) say(`${label}: error: ${error}`);
    return { samples, wallMs: performance.now() - started };
  } finally {
    clearInterval(progress);
  }
}

/**
 * The funded accounts the direct path submits from, each with a nonce counter kept here:
 * one transaction at a time per account, as the relayer's pool leases them.
 */
class DirectSubmitters {
  private readonly waiting: ((submitter: Submitter) => void)[] = [];

  private constructor(
    private readonly free: Submitter[],
    /** Estimates the transactions (it sends none, so its nonce never moves under an estimate). */
    readonly estimator: Account,
  ) {}

  static async create(provider: RpcProvider, accounts: Account[], estimator: Account): Promise<DirectSubmitters> {
    const submitters = await Promise.all(accounts.map(async (account) => ({ account, nonce: BigInt(await provider.getNonceForAddress(account.address, "latest")) })));
    return new DirectSubmitters(submitters, estimator);
  }

  async send(call: Call, resourceBounds: ResourceBoundsBN): Promise<string> {
    const submitter = this.free.pop() ?? (await new Promise<Submitter>((resolve) => this.waiting.push(resolve)));
    try {
      const { transaction_hash } = await submitter.account.execute(call, { nonce: submitter.nonce, resourceBounds, tip: 0n });
      submitter.nonce += 1n;
      return transaction_hash;
    } catch (error) {
      submitter.nonce = BigInt(await submitter.account.provider.getNonceForAddress(submitter.account.address, "latest"));
      throw error;
    } finally {
      const next = this.waiting.shift();
      if (next) next(submitter);
      else this.free.push(submitter);
    }
  }
}

interface Submitter {
  account: Account;
  nonce: bigint;
}

async function main() {
  const runStarted = performance.now();
  const requests = requestCount();
  say(`${requests} concurrent session-signed sponsored requests through ${PROCESSES} relayer processes on one database, against the same sent directly`);
  await buildContracts({ quiet: true });
  say("starting devnet and an embedded PostgreSQL ...");
  const workDir = mkdtempSync(join(tmpdir(), "bench-relayer-"));
  // mkdtemp makes it private to us; as root, PostgreSQL runs as `postgres` and must enter it.
  chmodSync(workDir, 0o755);
  const [{ devnet, url, rpcUrl }, database] = await Promise.all([startDevnet(), startEmbeddedDatabase({ dataDir: join(workDir, "pg"), persistent: false })]);
  const db = connectDatabase(database.url, { max: 4 });
  const relayers: RelayerProcess[] = [];
  let failed = false;
  try {
    const provider = new RpcProvider({ nodeUrl: rpcUrl, transactionRetryIntervalFallback: RECEIPT_POLL_MS });
    const devnetApi = new DevnetProvider({ url });
    const predeployed = await devnetApi.getPredeployedAccounts();
    const funded = (index: number) => {
      const account = predeployed[index];
      if (!account) throw new Error(`devnet has no predeployed account #${index}`);
      return account;
    };
    const deployer = new Account({ provider, address: funded(0).address, signer: funded(0).private_key, cairoVersion: "1" });
    const submitterKeys = SUBMITTER_INDEXES.map((index) => ({ address: funded(index).address, privateKey: funded(index).private_key }));
    const chainId = await provider.getChainId();

    say(`deploying two counters and ${USERS} SessionAccounts, each with a session allowed to call \`increase\` ...`);
    const counterClass = readBuiltContract("Counter");
    const declared = await deployer.declareIfNot({ contract: counterClass.sierra, casm: counterClass.casm }, { tip: 0n });
    if (declared.transaction_hash) await provider.waitForTransaction(declared.transaction_hash);
    const deployCounter = async () => {
      const deployment = await deployer.deployContract({ classHash: declared.class_hash, constructorCalldata: CallData.compile({ initial: 0 }) }, { tip: 0n });
      await provider.waitForTransaction(deployment.transaction_hash);
      return deployment.contract_address;
    };
    const relayedCounter = await deployCounter();
    const directCounter = await deployCounter();
    const validUntil = (await provider.getBlockWithTxHashes("latest")).timestamp + 86_400;
    const users: { address: string; signer: SessionSigner; account: Account }[] = [];
    for (let i = 0; i < USERS; i++) {
      const ownerKey = stark.randomAddress();
      const { address } = await deploySessionAccount({ deployer, ownerPublicKey: ec.starkCurve.getStarkKey(ownerKey) });
      await devnetApi.mint(address, 10n ** 21n, "FRI");
      const owner = new Account({ provider, address, signer: ownerKey, cairoVersion: "1" });
      const sessionKey = stark.randomAddress();
      const sessionPublicKey = ec.starkCurve.getStarkKey(sessionKey);
      const register = getAddSessionKeyCall({ accountAddress: address, sessionPublicKey, validUntil, maxCalls: 1_000_000, allowedEntrypoints: ["increase"] });
      const registered = await provider.waitForTransaction((await owner.execute(register, { tip: 0n })).transaction_hash);
      if (!registered.isSuccess()) throw new Error(`registering the session on ${address} failed`);
      const [generation] = await provider.callContract({ contractAddress: address, entrypoint: "get_session_generation", calldata: [sessionPublicKey] });
      const signer = new SessionSigner({ privateKey: sessionKey, validUntil, generation: BigInt(generation ?? 0), accountAddress: address, chainId });
      users.push({ address, signer, account: new Account({ provider, address, signer, cairoVersion: "1" }) });
    }

    await migrate(db);
    const apiKey = await createApiKey(db, { name: "bench", budgetFri: 10_000n * 10n ** 18n, requestsPerMinute: 10 * (requests + WARM_UP) + 1_000 });
    say(`starting ${PROCESSES} relayer processes on one database, sharing relayer accounts #${SUBMITTER_INDEXES[0]}-#${SUBMITTER_INDEXES.at(-1)} ...`);
    const outputs: string[][] = [];
    relayers.push(...(await Promise.all(Array.from({ length: PROCESSES }, () => spawnRelayer({ rpcUrl, databaseUrl: database.url, relayerAccounts: submitterKeys })))));
    for (const relayer of relayers) outputs.push(relayer.output);
    say(`relayers at ${relayers.map((relayer) => relayer.url).join(", ")}`);

    // Direct: the same session-signed outside execution, built and signed by starknet.js
    // on the client, submitted from one of the same funded accounts.
    const submitters = await DirectSubmitters.create(
      provider,
      submitterKeys.map((key) => new Account({ provider, address: key.address, signer: key.privateKey, cairoVersion: "1" })),
      new Account({ provider, address: funded(DIRECT_ESTIMATOR_INDEX).address, signer: funded(DIRECT_ESTIMATOR_INDEX).private_key, cairoVersion: "1" }),
    );
    const sendDirect = async (index: number) => {
      const user = users[index % USERS] as (typeof users)[number];
      const now = (await provider.getBlockWithTxHashes("latest")).timestamp;
      const outside = await user.account.getOutsideTransaction({ caller: "ANY_CALLER", execute_after: now - 60, execute_before: now + 900 }, [increase(directCounter)], undefined, stark.randomAddress());
      const call = outsideExecution.buildExecuteFromOutsideCall(outside);
      const estimate = await submitters.estimator.estimateInvokeFee(call, { tip: 0n });
      return submitters.send(call[0] as Call, estimate.resourceBounds);
    };
    // Relayed: Account.executePaymasterTransaction on the relayer's PaymasterRpc, half the
    // requests to each process.
    const relayed: RelayedRequest[] = [];
    const sendRelayedRequest = async (index: number) => {
      const user = users[index % USERS] as (typeof users)[number];
      const relayer = relayers[index % PROCESSES] as RelayerProcess;
      const request = await sendRelayed({ provider, paymasterUrl: relayer.url, apiKey: apiKey.secret, userAddress: user.address, signer: user.signer, calls: [increase(relayedCounter)], details: { feeMode: { mode: "sponsored" } } });
      relayed.push(request);
      if (!request.transactionHash) throw new Error(request.error ?? "no transaction hash");
      return request.transactionHash;
    };

    say(`direct: warming up (${WARM_UP} requests), then ${requests} at once ...`);
    const directWarmUp = summary(await load("direct warm-up", WARM_UP, provider, sendDirect));
    const direct = summary(await load("direct", requests, provider, sendDirect));
    say(`direct: ${direct.included} included, ${direct.errors} errors in ${formatDuration(direct.wallMs)}`);

    const startNonces = await chainNonces(provider, submitterKeys.map((key) => key.address));
    say(`relayed: warming up (${WARM_UP} requests), then ${requests} at once ...`);
    await load("relayed warm-up", WARM_UP, provider, sendRelayedRequest);
    const relayedLoad = summary(await load("relayed", requests, provider, sendRelayedRequest));
    say(`relayed: ${relayedLoad.included} included, ${relayedLoad.errors} errors in ${formatDuration(relayedLoad.wallMs)}; waiting for the trackers to settle ...`);
    await waitForSettlement(db, { timeoutMs: 60_000, onProgress: (open) => say(`${open} requests or transactions still open`) });

    say("auditing the database against the chain and the clients ...");
    const audit = await auditRelayer({ db, provider, requests: relayed, apiKeyId: apiKey.id, startNonces });
    const counterValue = async (address: string) => BigInt((await provider.callContract({ contractAddress: address, entrypoint: "get" }))[0] ?? -1);
    const [relayedCount, directCount] = await Promise.all([counterValue(relayedCounter), counterValue(directCounter)]);
    const warnings = outputs.flat().filter((line) => /"level":(4|5|6)0/.test(line));
    const nonceWarnings = warnings.filter((line) => /nonce/i.test(line));
    const nonceRefusals = relayed.filter((request) => /nonce/i.test(request.error ?? "")).length;
    const rejected = audit.transactionsByStatus.rejected ?? 0;
    const dropped = audit.transactionsByStatus.dropped ?? 0;
    const directIncluded = direct.included + directWarmUp.included;

    const checks = [
      { name: "every request ended in one included transaction or one clear error", ok: audit.answered + audit.refused === relayed.length && audit.included + audit.refused === relayed.length, value: `${audit.included} included, ${audit.refused} errors of ${relayed.length} (warm-up included)` },
      { name: "0 lost: every hash a client got is its request's included transaction", ok: audit.failures.length === 0 && audit.answered === audit.included, value: `${audit.answered} hashes, ${audit.included} accepted requests` },
      { name: "0 duplicated: the counter equals the successes; one included transaction per request, one live transaction per relayer nonce", ok: relayedCount === BigInt(audit.included) && audit.failures.length === 0, value: `counter ${relayedCount}, ${audit.included} successes` },
      {
        name: "0 nonce errors: no rejected or dropped transactions, no nonce warning in the relayers' output, no client refused for a nonce",
        ok: rejected === 0 && dropped === 0 && nonceWarnings.length === 0 && nonceRefusals === 0,
        value: `${rejected} rejected, ${dropped} dropped, ${nonceWarnings.length} nonce warnings (${warnings.length} warnings in all), ${nonceRefusals} nonce refusals`,
      },
      { name: "the sponsor's spent_fri equals the receipts' fees; reserved_fri is 0", ok: audit.spentFri === audit.receiptFeesFri && audit.reservedFri === 0n, value: `${formatStrk(audit.spentFri)} STRK spent, receipts ${formatStrk(audit.receiptFeesFri)} STRK, ${audit.reservedFri} reserved` },
      { name: "direct: the counter equals the successes", ok: directCount === BigInt(directIncluded), value: `counter ${directCount}, ${directIncluded} successes` },
    ];
    failed = checks.some((check) => !check.ok);
    for (const failure of audit.failures) say(`invariant broken: ${failure}`);
    for (const line of nonceWarnings.slice(0, 5)) say(`relayer: ${line.slice(0, 300)}`);

    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    console.log("");
    console.log(`| ${requests} concurrent session-signed requests | direct (client signs, funded account submits) | relayer (${PROCESSES} processes, one database) | relayer / direct |`);
    console.log("| --- | ---: | ---: | ---: |");
    console.log(`| included / errors | ${direct.included} / ${direct.errors} | ${relayedLoad.included} / ${relayedLoad.errors} | |`);
    console.log(`| first request to last receipt | ${formatDuration(direct.wallMs)} | ${formatDuration(relayedLoad.wallMs)} | |`);
    console.log(`| throughput (requests/s) | ${direct.throughput.toFixed(1)} | ${relayedLoad.throughput.toFixed(1)} | ${ratio(relayedLoad.throughput, direct.throughput)} |`);
    console.log(`| p50 latency, request start to receipt | ${direct.p50.toFixed(0)} ms | ${relayedLoad.p50.toFixed(0)} ms | ${ratio(relayedLoad.p50, direct.p50)} |`);
    console.log(`| p95 latency | ${direct.p95.toFixed(0)} ms | ${relayedLoad.p95.toFixed(0)} ms | ${ratio(relayedLoad.p95, direct.p95)} |`);
    console.log("");
    console.log("| invariant | measured | |");
    console.log("| --- | --- | --- |");
    for (const check of checks) console.log(`| ${check.name} | ${check.value} | ${check.ok ? "holds" : "BROKEN"} |`);
    console.log("");
    say(`${SUBMITTER_INDEXES.length} relayer accounts, ${USERS} SessionAccounts, receipts polled every ${RECEIPT_POLL_MS} ms, ${WARM_UP} unmeasured warm-up requests per path, ${availableParallelism()} CPUs shared by devnet, PostgreSQL, both relayers and the clients; whole run ${formatDuration(performance.now() - runStarted)}`);
  } finally {
    await Promise.all(relayers.map((relayer) => relayer.stop()));
    await db.close();
    await database.stop();
    rmSync(workDir, { recursive: true, force: true });
    devnet.kill("SIGTERM");
  }
  if (failed) {
    say("FAILED: an invariant does not hold (see above)");
    // Not exitCode: a dependency's exit hook would end the process with 0.
    process.exit(1);
  }
}

function increase(counter: string): Call {
  return { contractAddress: counter, entrypoint: "increase", calldata: [1] };
}

main().catch((error: unknown) => {
  console.error(`[${SCOPE}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});

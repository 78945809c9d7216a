// Relayer processes sharing one database, under faults: a process SIGKILLed mid-load and
// restarted, and the database itself restarted mid-load. Afterwards the database, the
// chain and the clients must agree (auditRelayer in scripts/lib/relayer-load.ts): every
// request a client got a hash for was included exactly once, every request refused was
// not executed, nothing was executed twice, no relayer nonce carried two transactions, and
// the sponsor's budget holds exactly the receipts' fees with nothing left reserved.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { SignerInterface } from "starknet";
import { afterEach, beforeAll, expect, test } from "vitest";
import { connectDatabase, type Database } from "../../../relayer/src/db/database.ts";
import { type EmbeddedDatabase, startEmbeddedDatabase } from "../../../relayer/src/db/embedded.ts";
import { migrate } from "../../../relayer/src/db/migrate.ts";
import { createApiKey } from "../../../relayer/src/sponsor/apiKeys.ts";
import { auditRelayer, chainNonces, type RelayedRequest, type RelayerAudit, sendRelayed, waitForSettlement } from "../../../scripts/lib/relayer-load.ts";
import { type RelayerProcess, spawnRelayer } from "../../../scripts/lib/relayer-process.ts";
import { deploySessionAccount, randomKeyPair, registerSession, sessionSignedAccount } from "../../helpers/account.ts";
import { devnetUrl, latestBlockTime, rpcProvider } from "../../helpers/devnet.ts";
import { counterValue, deployCounter } from "../../helpers/fixtures.ts";
import { relayerAccountKeys, SPONSORED } from "../../helpers/relayer.ts";

/** Concurrent session-signed, sponsored requests of the load each fault lands in. */
const LOAD = 40;
/** Requests sent once the fault is over, to show the relayer serves again. */
const AFTERWARDS = 8;
const USERS = 4;
/** The victim process is killed once it has answered this many of its requests. */
const KILL_AFTER_ANSWERS = 4;
/**
 * A SIGKILLed process can leave a transaction it recorded but never sent: the trackers
 * drop it (and send its request again) once the node has not known it for this long.
 * Devnet includes a transaction as it receives it, so 20 s is ample.
 */
const DROP_AFTER_SECONDS = 20;
/** A request reserved but not yet sent by a process that died is resumed after this long (its shortest allowed value). */
const QUEUED_GRACE_SECONDS = 41;
const SETTLE_MS = 100_000;

let users: { address: string; signer: SignerInterface }[];
let relayerKeys: { address: string; privateKey: string }[];

beforeAll(async () => {
  relayerKeys = await relayerAccountKeys();
  const validUntil = (await latestBlockTime()) + 6 * 3_600;
  users = [];
  for (let i = 0; i < USERS; i++) {
    const account = await deploySessionAccount();
    const key = randomKeyPair();
    await registerSession(account, { publicKey: key.publicKey, validUntil, maxCalls: 10_000, entrypoints: ["increase"] });
    users.push({ address: account.address, signer: sessionSignedAccount(account.address, key.privateKey, validUntil).signer });
  }
});

/** Relayer processes on one embedded PostgreSQL of their own, sharing relayer accounts #7-#9. */
interface Cluster {
  database: EmbeddedDatabase;
  /** The test's own connection, to audit and to settle. */
  db: Database;
  apiKey: { id: string; secret: string };
  processes: RelayerProcess[];
  /** Every line the processes printed (warn level and above). */
  output: string[];
  spawn(): Promise<RelayerProcess>;
  /** Stops PostgreSQL, waits `pauseMs`, starts it again on the same data directory and port. */
  restartDatabase(pauseMs: number): Promise<void>;
  close(): Promise<void>;
}

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

async function startCluster(processes = 2): Promise<Cluster> {
  const root = mkdtempSync(join(tmpdir(), "relayer-faults-"));
  // mkdtemp makes it private to us; as root, PostgreSQL runs as `postgres` and must enter it.
  chmodSync(root, 0o755);
  const dataDir = join(root, "pg");
  // Persistent: a restart must find the data where it left it.
  let database = await startEmbeddedDatabase({ dataDir, persistent: true });
  const db = connectDatabase(database.url, { max: 4 });
  await migrate(db);
  const apiKey = await createApiKey(db, { name: "faults", budgetFri: 100n * 10n ** 18n, requestsPerMinute: 10_000 });
  const output: string[] = [];
  const spawn = () =>
    spawnRelayer({
      rpcUrl: `${devnetUrl()}/rpc`,
      databaseUrl: database.url,
      relayerAccounts: relayerKeys,
      env: { RELAYER_DROP_AFTER_SECONDS: String(DROP_AFTER_SECONDS), RELAYER_QUEUED_GRACE_SECONDS: String(QUEUED_GRACE_SECONDS) },
      onLine: (line) => output.push(line),
    });
  const started: RelayerProcess[] = [];
  const self: Cluster = {
    database,
    db,
    apiKey,
    processes: started,
    output,
    spawn: async () => {
      const relayer = await spawn();
      started.push(relayer);
      return relayer;
    },
    restartDatabase: async (pauseMs) => {
      await database.stop();
      await sleep(pauseMs);
      database = await startEmbeddedDatabase({ dataDir, port: database.port, persistent: true });
      self.database = database;
    },
    close: async () => {
      // SIGTERM lets a process finish its requests; one that hangs is killed.
      await Promise.all(started.map((relayer) => Promise.race([relayer.stop(), sleep(15_000).then(() => relayer.kill())])));
      await db.close();
      await database.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < processes; i++) await self.spawn();
  } catch (error) {
    await self.close();
    throw error;
  }
  return self;
}

interface LoadOptions {
  /** Request i starts i × spacingMs after the first (default 0: all at once). */
  spacingMs?: number;
  /** Sees each request end as it happens. */
  onAnswer?: (request: RelayedRequest, target: RelayerProcess) => void;
}

/** Sends `count` concurrent requests, request i to `targets[i % targets.length]`, each incrementing `counter` by 1. */
async function load(count: number, counter: string, targets: RelayerProcess[], { spacingMs = 0, onAnswer = () => {} }: LoadOptions = {}): Promise<RelayedRequest[]> {
  const apiKey = (cluster as Cluster).apiKey.secret;
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      await sleep(index * spacingMs);
      const user = users[index % users.length] as (typeof users)[number];
      const target = targets[index % targets.length] as RelayerProcess;
      const request = await sendRelayed({
        provider: rpcProvider(),
        paymasterUrl: target.url,
        apiKey,
        userAddress: user.address,
        signer: user.signer,
        calls: [{ contractAddress: counter, entrypoint: "increase", calldata: [1] }],
        details: SPONSORED,
      });
      onAnswer(request, target);
      return request;
    }),
  );
}

/** Waits for the trackers, audits, and checks every invariant and the counter. */
async function settleAndAudit(requests: RelayedRequest[], counter: string, startNonces: Map<string, bigint>): Promise<RelayerAudit> {
  const { db, apiKey, output } = cluster as Cluster;
  await waitForSettlement(db, { timeoutMs: SETTLE_MS });
  const audit = await auditRelayer({ db, provider: rpcProvider(), requests, apiKeyId: apiKey.id, startNonces });
  const context = `\nclient errors:\n${requests.flatMap((request) => (request.error ? [`  ${request.error}`] : [])).join("\n")}\nrelayer output:\n${output.slice(-30).join("\n")}`;
  expect(audit.failures, context).toEqual([]);
  expect(await counterValue(counter), context).toBe(BigInt(audit.included));
  expect(audit.answered + audit.refused).toBe(requests.length);
  expect(audit.reservedFri).toBe(0n);
  expect(audit.spentFri).toBe(audit.receiptFeesFri);
  return audit;
}

test("a process SIGKILLed mid-load and restarted: each request the client got a hash for included once, refused ones not executed, budgets equal to receipts", { timeout: 2 * SETTLE_MS }, async () => {
  cluster = await startCluster();
  const counter = await deployCounter();
  const startNonces = await chainNonces(rpcProvider(), relayerKeys.map((key) => key.address));
  const [survivor, victim] = cluster.processes as [RelayerProcess, RelayerProcess];

  // Requests arrive in a stream; the victim dies mid-stream, its requests in flight at
  // every stage: building, estimating, reserved, being sent, sent and not yet recorded.
  let victimAnswers = 0;
  let killed: Promise<void> | undefined;
  const during = await load(LOAD, counter, [survivor, victim], {
    spacingMs: 40,
    onAnswer: (request, target) => {
      if (target === victim && request.transactionHash && ++victimAnswers === KILL_AFTER_ANSWERS) killed = victim.kill();
    },
  });
  expect(killed, `the victim answered ${victimAnswers} requests, fewer than ${KILL_AFTER_ANSWERS}`).toBeDefined();
  await killed;
  expect(victim.child.signalCode).toBe("SIGKILL");
  // Cut off mid-request, or refused a connection: the client sees it fail, a clear error.
  expect(during.filter((request) => request.connectionError).length).toBeGreaterThan(0);

  // The restarted process and the survivor finish what the victim left (their trackers),
  // then serve new requests.
  const restarted = await cluster.spawn();
  await waitForSettlement(cluster.db, { timeoutMs: SETTLE_MS });
  const after = await load(AFTERWARDS, counter, [survivor, restarted]);
  expect(after.map((request) => request.error ?? "answered")).toEqual(Array(AFTERWARDS).fill("answered"));

  const audit = await settleAndAudit([...during, ...after], counter, startNonces);
  expect(audit.answered).toBeGreaterThan(LOAD / 2);
});

test("the database restarted mid-load: every request answered, refused ones not executed, nothing lost or doubled once it is back", { timeout: 2 * SETTLE_MS }, async () => {
  cluster = await startCluster();
  const counter = await deployCounter();
  const startNonces = await chainNonces(rpcProvider(), relayerKeys.map((key) => key.address));
  const { processes } = cluster;

  let answered = 0;
  let restarted: Promise<void> | undefined;
  const during = await load(LOAD, counter, processes, {
    onAnswer: () => {
      if (++answered === LOAD / 4) restarted = (cluster as Cluster).restartDatabase(2_000);
    },
  });
  expect(restarted, "the load ended before the restart").toBeDefined();
  await restarted;
  // Neither process died with its database, and every client got an answer: a hash, or a
  // SNIP-29 error (a request that could not be sent during the outage).
  for (const relayer of processes) expect(relayer.child.exitCode, relayer.output.slice(-40).join("\n")).toBeNull();
  expect(during.filter((request) => request.connectionError).map((request) => request.error)).toEqual([]);

  await waitForSettlement(cluster.db, { timeoutMs: SETTLE_MS });
  const after = await load(AFTERWARDS, counter, processes);
  expect(after.map((request) => request.error ?? "answered")).toEqual(Array(AFTERWARDS).fill("answered"));

  await settleAndAudit([...during, ...after], counter, startNonces);
});

// Load on relayer processes, and the audit of what it left behind: shared by
// bench:relayer and the relayer fault tests. A client request is a starknet.js
// Account.executePaymasterTransaction through PaymasterRpc; the audit then holds the
// relayer's database, the chain and what every client was told against each other.
import { Account, type Call, PaymasterRpc, type PaymasterDetails, RpcError, type RpcProvider, type SignerInterface, typedData as snip12, type TypedData } from "starknet";
import type { Database } from "../../relayer/src/db/database.ts";

/** What one client request ended in, as the client saw it. */
export interface RelayedRequest {
  userAddress: string;
  /** SNIP-12 hash of the typed data the client sent to paymaster_executeTransaction; undefined if it never got that far. */
  messageHash?: string;
  transactionHash?: string;
  /** The error the client got instead, as a short text. */
  error?: string;
  /** The error was no JSON-RPC answer at all (refused or reset connection): the relayer may or may not have acted. */
  connectionError?: boolean;
}

export interface SendRelayedParameters {
  provider: RpcProvider;
  /** The relayer process's URL. */
  paymasterUrl: string;
  apiKey?: string;
  userAddress: string;
  signer: SignerInterface;
  calls: Call[];
  details: PaymasterDetails;
}

/** A client error in a line: the relayer's JSON-RPC error (code, message, data), or the transport's. */
export function clientErrorText(error: unknown): string {
  if (error instanceof RpcError) {
    const { code, message, data } = error.baseError as { code: number; message: string; data?: unknown };
    return `${code} ${message}${data === undefined ? "" : `: ${typeof data === "string" ? data : JSON.stringify(data)}`}`.slice(0, 300);
  }
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return `${(error as Error)?.message ?? String(error)}${cause ? ` (${cause.code ?? cause.message})` : ""}`.slice(0, 300);
}

/**
 * One session- or owner-signed request through the relayer, as a dApp sends it
 * (Account.executePaymasterTransaction on a PaymasterRpc of its own). The PaymasterRpc's
 * fetch records the typed data the client signed, so the audit can tell afterwards what
 * the relayer did with a request whose answer never arrived.
 */
export async function sendRelayed({ provider, paymasterUrl, apiKey, userAddress, signer, calls, details }: SendRelayedParameters): Promise<RelayedRequest> {
  const request: RelayedRequest = { userAddress };
  const recordingFetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { method?: string; params?: { transaction?: { invoke?: { user_address?: string; typed_data?: TypedData } } } }) : undefined;
    const invoke = body?.method === "paymaster_executeTransaction" ? body.params?.transaction?.invoke : undefined;
    if (invoke?.typed_data && invoke.user_address) request.messageHash = snip12.getMessageHash(invoke.typed_data, invoke.user_address);
    return fetch(input, init);
  };
  const paymaster = new PaymasterRpc({ nodeUrl: paymasterUrl, headers: apiKey ? { "x-paymaster-api-key": apiKey } : {}, baseFetch: recordingFetch });
  const account = new Account({ provider, address: userAddress, signer, cairoVersion: "1", paymaster });
  try {
    request.transactionHash = (await account.executePaymasterTransaction(calls, details)).transaction_hash;
  } catch (error) {
    request.error = clientErrorText(error);
    request.connectionError = !(error instanceof RpcError);
  }
  return request;
}

/** Waits until no request and no transaction of the relayer is open (every tracker settled them). */
export async function waitForSettlement(db: Database, { timeoutMs, onProgress }: { timeoutMs: number; onProgress?: (open: number) => void }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reported = 0;
  for (;;) {
    const { rows } = await db.query<{ open: string }>(
      "SELECT (SELECT count(*) FROM requests WHERE status IN ('queued', 'submitted')) + (SELECT count(*) FROM transactions WHERE status IN ('sending', 'sent')) AS open",
    );
    const open = Number(rows[0]?.open ?? 0);
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error(`${open} requests or transactions still open after ${timeoutMs} ms`);
    if (onProgress && Date.now() - reported > 5_000) {
      onProgress(open);
      reported = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Each relayer account's nonce on chain. */
export async function chainNonces(provider: RpcProvider, addresses: string[]): Promise<Map<string, bigint>> {
  const nonces = await Promise.all(addresses.map(async (address) => [BigInt(address).toString(16), BigInt(await provider.getNonceForAddress(address, "latest"))] as const));
  return new Map(nonces);
}

interface TransactionRow {
  hash: string;
  status: string;
  relayer: string;
  nonce: string;
}

interface RequestRow {
  tracking_id: string;
  user_address: string;
  message_hash: string;
  status: string;
  api_key_id: string | null;
  fee_mode: string;
  actual_fee_fri: string | null;
  txs: TransactionRow[];
}

interface ChainState {
  found: boolean;
  succeeded?: boolean;
  feeFri?: bigint;
}

export interface AuditParameters {
  db: Database;
  provider: RpcProvider;
  /** Every request the clients sent during the load. */
  requests: RelayedRequest[];
  /** The sponsor's API key whose budget the load spent. */
  apiKeyId: string;
  /** The relayer accounts' nonces on chain before the load (chainNonces). */
  startNonces: Map<string, bigint>;
}

export interface RelayerAudit {
  /** Every invariant that does not hold, as a sentence; empty when all hold. */
  failures: string[];
  /** Requests executed on chain exactly once (what a counter incremented by each request must show). */
  included: number;
  /** Requests the client got a transaction hash for. */
  answered: number;
  /** Requests the client got an error for, and how many of those the relayer still executed (only ever after a connection error). */
  refused: number;
  executedAfterConnectionError: number;
  /** What the receipts of the sponsor's relayed transactions say it paid, and what its budget row says. */
  receiptFeesFri: bigint;
  spentFri: bigint;
  reservedFri: bigint;
  /** Transactions rows by status (rejected: the node refused them; dropped: it lost them). */
  transactionsByStatus: Record<string, number>;
}

const INCLUDED = new Set(["accepted", "reverted"]);

async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

async function chainState(provider: RpcProvider, hash: string): Promise<ChainState> {
  try {
    const receipt = await provider.getTransactionReceipt(hash);
    const value = receipt.value as { execution_status?: string; finality_status?: string; actual_fee?: { amount: string } };
    const final = value.finality_status === "ACCEPTED_ON_L2" || value.finality_status === "ACCEPTED_ON_L1";
    return { found: final, succeeded: value.execution_status === "SUCCEEDED", feeFri: BigInt(value.actual_fee?.amount ?? 0) };
  } catch (error) {
    // 29: TXN_HASH_NOT_FOUND.
    if ((error as { baseError?: { code?: number } }).baseError?.code === 29) return { found: false };
    throw error;
  }
}

const key = (userAddress: string, messageHash: string) => `${BigInt(userAddress).toString(16)}:${BigInt(messageHash).toString(16)}`;

/**
 * Once the relayer settled (waitForSettlement), checks that the database, the chain and
 * the clients agree: every request the client got a hash for was included exactly once,
 * every request the relayer refused was not executed (a connection error may go either
 * way, but once at most), no relayer nonce carried two live transactions, the relayer
 * accounts sent nothing the database does not know of, and the sponsor's budget holds
 * exactly what the receipts say it paid, with nothing left reserved.
 */
export async function auditRelayer({ db, provider, requests, apiKeyId, startNonces }: AuditParameters): Promise<RelayerAudit> {
  const failures: string[] = [];
  const fail = (sentence: string) => {
    if (failures.length < 40) failures.push(sentence);
  };

  const { rows } = await db.query<RequestRow>(
    `SELECT r.tracking_id, r.user_address, r.message_hash, r.status, r.api_key_id, r.fee_mode, r.actual_fee_fri::text,
            coalesce(json_agg(json_build_object('hash', t.hash, 'status', t.status, 'relayer', t.relayer_address, 'nonce', t.nonce::text)) FILTER (WHERE t.hash IS NOT NULL), '[]') AS txs
       FROM requests r LEFT JOIN transactions t ON t.tracking_id = r.tracking_id
      GROUP BY r.tracking_id`,
  );
  const transactions = rows.flatMap((row) => row.txs);
  const transactionsByStatus: Record<string, number> = {};
  for (const tx of transactions) transactionsByStatus[tx.status] = (transactionsByStatus[tx.status] ?? 0) + 1;

  // The chain's word on every transaction the relayer recorded.
  const states = new Map<string, ChainState>();
  await mapLimit(transactions, 16, async (tx) => states.set(tx.hash, await chainState(provider, tx.hash)));
  for (const tx of transactions) {
    const state = states.get(tx.hash) as ChainState;
    const agrees =
      tx.status === "accepted" ? state.found && state.succeeded : tx.status === "reverted" ? state.found && !state.succeeded : tx.status === "rejected" || tx.status === "dropped" ? !state.found : false;
    if (!agrees) fail(`transaction ${tx.hash} is '${tx.status}' in the database but ${state.found ? (state.succeeded ? "succeeded" : "reverted") : "is not"} on chain`);
  }

  // One live transaction per relayer nonce.
  const live = new Map<string, number>();
  for (const tx of transactions) {
    if (tx.status === "rejected" || tx.status === "dropped") continue;
    const slot = `${tx.relayer}#${tx.nonce}`;
    live.set(slot, (live.get(slot) ?? 0) + 1);
  }
  for (const [slot, count] of live) if (count > 1) fail(`relayer nonce ${slot} carries ${count} live transactions`);

  // The relayer accounts sent exactly the transactions the database calls included.
  const endNonces = await chainNonces(provider, [...startNonces.keys()].map((address) => `0x${address}`));
  for (const [address, start] of startNonces) {
    const sent = (endNonces.get(address) ?? start) - start;
    const recorded = BigInt(transactions.filter((tx) => BigInt(tx.relayer).toString(16) === address && INCLUDED.has(tx.status)).length);
    if (sent !== recorded) fail(`relayer account 0x${address} sent ${sent} transactions, the database knows of ${recorded} included`);
  }

  // Each request: settled, and included exactly once or not at all.
  const byBuild = new Map<string, RequestRow[]>();
  let included = 0;
  for (const row of rows) {
    const includedTxs = row.txs.filter((tx) => INCLUDED.has(tx.status));
    if (row.status === "queued" || row.status === "submitted") fail(`request ${row.tracking_id} is still '${row.status}'`);
    else if (row.status === "accepted" && !(includedTxs.length === 1 && includedTxs[0]?.status === "accepted")) fail(`accepted request ${row.tracking_id} has ${includedTxs.length} included transactions`);
    else if (row.status === "reverted") fail(`request ${row.tracking_id} reverted on chain (${includedTxs.length} included transactions)`);
    else if ((row.status === "failed" || row.status === "dropped") && includedTxs.length > 0) fail(`request ${row.tracking_id} is '${row.status}' but ${includedTxs.length} of its transactions were included`);
    if (row.status === "accepted") {
      included += 1;
      const fee = states.get(includedTxs[0]?.hash ?? "")?.feeFri;
      if (row.actual_fee_fri === null || BigInt(row.actual_fee_fri) !== fee) fail(`request ${row.tracking_id} recorded a fee of ${row.actual_fee_fri}, its receipt ${fee}`);
    }
    const list = byBuild.get(key(row.user_address, row.message_hash)) ?? [];
    list.push(row);
    byBuild.set(key(row.user_address, row.message_hash), list);
  }

  // What the clients were told, against what happened.
  const claimed = new Set<string>();
  const trackingIds = new Set<string>();
  let answered = 0;
  let refused = 0;
  let executedAfterConnectionError = 0;
  for (const request of requests) {
    const mine = request.messageHash ? (byBuild.get(key(request.userAddress, request.messageHash)) ?? []) : [];
    if (request.messageHash) claimed.add(key(request.userAddress, request.messageHash));
    const executed = mine.filter((row) => row.txs.some((tx) => INCLUDED.has(tx.status)));
    if (request.transactionHash) {
      answered += 1;
      const hash = BigInt(request.transactionHash);
      const owner = mine.find((row) => row.txs.some((tx) => BigInt(tx.hash) === hash));
      if (!owner) fail(`the client got ${request.transactionHash}, which no request of its typed data recorded`);
      else if (owner.status !== "accepted") fail(`the client got ${request.transactionHash}, whose request ended '${owner.status}'`);
      else if (trackingIds.has(owner.tracking_id)) fail(`two clients got request ${owner.tracking_id}`);
      else trackingIds.add(owner.tracking_id);
      if (executed.length !== 1) fail(`the typed data behind ${request.transactionHash} was executed by ${executed.length} requests`);
    } else {
      refused += 1;
      if (executed.length > 0 && !request.connectionError) fail(`a request refused with "${request.error}" was executed anyway (${executed.map((row) => row.tracking_id).join(", ")})`);
      else if (executed.length > 1) fail(`a request whose connection failed was executed ${executed.length} times`);
      else if (executed.length === 1) executedAfterConnectionError += 1;
    }
  }
  for (const row of rows) {
    if (!claimed.has(key(row.user_address, row.message_hash))) fail(`request ${row.tracking_id} matches no typed data any client sent`);
  }

  // The sponsor paid what the receipts say, and holds nothing reserved.
  let receiptFeesFri = 0n;
  for (const row of rows) {
    if (row.fee_mode !== "sponsored" || row.api_key_id !== apiKeyId) continue;
    for (const tx of row.txs) if (INCLUDED.has(tx.status)) receiptFeesFri += states.get(tx.hash)?.feeFri ?? 0n;
  }
  const budget = await db.query<{ spent_fri: string; reserved_fri: string; accounts_spent: string | null; accounts_reserved: string | null }>(
    `SELECT k.spent_fri::text, k.reserved_fri::text,
            (SELECT sum(spent_fri)::text FROM account_budgets WHERE api_key_id = k.id) AS accounts_spent,
            (SELECT sum(reserved_fri)::text FROM account_budgets WHERE api_key_id = k.id) AS accounts_reserved
       FROM api_keys k WHERE k.id = $1`,
    [apiKeyId],
  );
  const usage = budget.rows[0];
  if (!usage) throw new Error(`no API key ${apiKeyId}`);
  const spentFri = BigInt(usage.spent_fri);
  const reservedFri = BigInt(usage.reserved_fri);
  if (spentFri !== receiptFeesFri) fail(`the sponsor's spent_fri is ${spentFri}, its transactions' receipts sum to ${receiptFeesFri}`);
  if (reservedFri !== 0n) fail(`the sponsor still has ${reservedFri} FRI reserved`);
  if (BigInt(usage.accounts_spent ?? 0) !== spentFri || BigInt(usage.accounts_reserved ?? 0) !== 0n) {
    fail(`the per-account budgets sum to ${usage.accounts_spent} spent and ${usage.accounts_reserved} reserved, the key's to ${spentFri} and ${reservedFri}`);
  }

  return { failures, included, answered, refused, executedAfterConnectionError, receiptFeesFri, spentFri, reservedFri, transactionsByStatus };
}

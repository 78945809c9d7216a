// Everything a relayer process is told, and how it is read from the environment (.env).
import { constants, num } from "starknet";
import { STRK_TOKEN_ADDRESS, strkToFri } from "../../sdk/utils/fees.ts";
import type { RelayerAccountKey } from "./chain/relayerPool.ts";

export interface GasToken {
  address: string;
  decimals: number;
  /** FRI per whole token (10^decimals units): STRK itself is 10^18. */
  priceInStrk: bigint;
}

export interface RelayerConfig {
  host: string;
  /** 0: any free port. */
  port: number;
  rpcUrl: string;
  databaseUrl: string;
  relayerAccounts: RelayerAccountKey[];
  /** Receives default-mode fee transfers. */
  feeRecipient: string;
  gasTokens: GasToken[];
  /** No relayed transaction may cost more than this, in FRI, whoever pays. */
  maxFeePerTransactionFri: bigint;
  /** Requests per minute per client address for requests without an API key. */
  anonymousRequestsPerMinute: number;
  /** Default outside-execution window, in seconds after the chain's now. */
  defaultWindowSeconds: number;
  /** Longest window a client may ask for. */
  maxWindowSeconds: number;
  /** How often the tracker looks at open transactions. */
  trackerIntervalMs: number;
  /** A sent transaction the node still does not know after this long is dropped and resubmitted. */
  dropAfterMs: number;
  /**
   * A request reserved but still unsent after this long lost its process, and another
   * process sends it. Must exceed the longest a live process takes to send (4 leases of at
   * most 10 s each).
   */
  queuedGraceMs: number;
  /**
   * Account classes served (class hashes); undefined: any account declaring SNIP-9 V2. A
   * sponsor's allowed targets bind only an account that runs the calls it signed: list
   * the classes you trust to.
   */
  accountClassHashes?: string[];
}

export const STRK = { address: STRK_TOKEN_ADDRESS, decimals: 18, priceInStrk: 10n ** 18n } satisfies GasToken;

export const DEFAULTS = {
  host: "127.0.0.1",
  port: 8787,
  maxFeePerTransactionFri: 10n ** 18n,
  anonymousRequestsPerMinute: 120,
  defaultWindowSeconds: 15 * 60,
  maxWindowSeconds: 24 * 3600,
  trackerIntervalMs: 1_000,
  dropAfterMs: 120_000,
  queuedGraceMs: 60_000,
} as const;

export class RelayerConfigError extends Error {}

function read(name: string): string | undefined {
  const value = process.env[name]?.trim();
  return value ? value : undefined;
}


function felt(name: string, value: string): string {
  try {
    const parsed = BigInt(value);
    if (parsed <= 0n || parsed >= constants.PRIME) throw new Error();
    return num.toHex64(parsed);
  } catch {
    throw new RelayerConfigError(`${name}: ${JSON.stringify(value.slice(0, 12))}… is not a 0x-prefixed felt`);
  }
}

/** A decimal amount of STRK (at most 18 decimals) in FRI. */
export function parseStrkAmount(name: string, value: string): bigint {
  const fri = strkToFri(value);
  if (fri === undefined) throw new RelayerConfigError(`${name} must be a decimal amount of STRK, e.g. 0.5 (got ${JSON.stringify(value)})`);
  return fri;
}

function integer(name: string, value: string, min: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new RelayerConfigError(`${name} must be an integer >= ${min} (got ${JSON.stringify(value)})`);
  return parsed;
}

/** `address:privateKey,address:privateKey`. */
export function parseRelayerAccounts(value: string): RelayerAccountKey[] {
  return value.split(",").map((entry, index) => {
    const [address, privateKey, extra] = entry.trim().split(":");
    if (!address || !privateKey || extra !== undefined) throw new RelayerConfigError(`RELAYER_ACCOUNTS entry ${index + 1} must be address:privateKey`);
    return { address: felt(`RELAYER_ACCOUNTS entry ${index + 1} address`, address), privateKey: felt(`RELAYER_ACCOUNTS entry ${index + 1} key`, privateKey) };
  });
}

/** `address:decimals:priceInStrk` (price: decimal STRK per whole token), STRK always included. */
export function parseGasTokens(value: string | undefined): GasToken[] {
  const tokens: GasToken[] = [STRK];
  for (const [index, entry] of (value ? value.split(",") : []).entries()) {
    const [address, decimals, price, extra] = entry.trim().split(":");
    if (!address || !decimals || !price || extra !== undefined) throw new RelayerConfigError(`RELAYER_GAS_TOKENS entry ${index + 1} must be address:decimals:priceInStrk`);
    const token = { address: felt(`RELAYER_GAS_TOKENS entry ${index + 1}`, address), decimals: integer("decimals", decimals, 0), priceInStrk: parseStrkAmount("price", price) };
    if (token.priceInStrk === 0n) throw new RelayerConfigError(`RELAYER_GAS_TOKENS entry ${index + 1}: a price of 0 would make fees free`);
    if (BigInt(token.address) !== BigInt(STRK_TOKEN_ADDRESS)) tokens.push(token);
  }
  return tokens;
}

/**
 * The configuration from the environment. `local` fills what `npm run relayer` provides
 * itself when nothing is configured (an embedded devnet and database).
 */
export function configFromEnv(local: { rpcUrl: string; databaseUrl: string; relayerAccounts: RelayerAccountKey[] } | undefined): RelayerConfig {
  const rpcUrl = read("STARKNET_RPC_URL") ?? local?.rpcUrl;
  const databaseUrl = read("DATABASE_URL") ?? local?.databaseUrl;
  const accounts = read("RELAYER_ACCOUNTS");
  const relayerAccounts = accounts ? parseRelayerAccounts(accounts) : local?.relayerAccounts;
  if (!rpcUrl) throw new RelayerConfigError("STARKNET_RPC_URL is required (see .env.example)");
  if (!databaseUrl) throw new RelayerConfigError("DATABASE_URL is required with STARKNET_RPC_URL (see .env.example)");
  if (!relayerAccounts || relayerAccounts.length === 0) throw new RelayerConfigError("RELAYER_ACCOUNTS is required with STARKNET_RPC_URL (see .env.example)");
  const feeRecipient = read("RELAYER_FEE_RECIPIENT");
  const port = read("RELAYER_PORT");
  const maxFee = read("RELAYER_MAX_FEE_STRK");
  const anonymous = read("RELAYER_ANONYMOUS_REQUESTS_PER_MINUTE");
  const dropAfter = read("RELAYER_DROP_AFTER_SECONDS");
  const queuedGrace = read("RELAYER_QUEUED_GRACE_SECONDS");
  const classes = read("RELAYER_ACCOUNT_CLASS_HASHES");
  return {
    host: read("RELAYER_HOST") ?? DEFAULTS.host,
    port: port ? integer("RELAYER_PORT", port, 0) : DEFAULTS.port,
    rpcUrl,
    databaseUrl,
    relayerAccounts,
    feeRecipient: feeRecipient ? felt("RELAYER_FEE_RECIPIENT", feeRecipient) : (relayerAccounts[0] as RelayerAccountKey).address,
    gasTokens: parseGasTokens(read("RELAYER_GAS_TOKENS")),
    maxFeePerTransactionFri: maxFee ? parseStrkAmount("RELAYER_MAX_FEE_STRK", maxFee) : DEFAULTS.maxFeePerTransactionFri,
    anonymousRequestsPerMinute: anonymous ? integer("RELAYER_ANONYMOUS_REQUESTS_PER_MINUTE", anonymous, 1) : DEFAULTS.anonymousRequestsPerMinute,
    defaultWindowSeconds: DEFAULTS.defaultWindowSeconds,
    maxWindowSeconds: DEFAULTS.maxWindowSeconds,
    trackerIntervalMs: DEFAULTS.trackerIntervalMs,
    dropAfterMs: dropAfter ? integer("RELAYER_DROP_AFTER_SECONDS", dropAfter, 1) * 1000 : DEFAULTS.dropAfterMs,
    queuedGraceMs: queuedGrace ? integer("RELAYER_QUEUED_GRACE_SECONDS", queuedGrace, 41) * 1000 : DEFAULTS.queuedGraceMs,
    ...(classes ? { accountClassHashes: classes.split(",").map((value, index) => felt(`RELAYER_ACCOUNT_CLASS_HASHES entry ${index + 1}`, value.trim())) } : {}),
  };
}

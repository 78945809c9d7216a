// Starts the pinned starknet-devnet binary (built by setup) on a port of its own, and
// makes sure the devnet that answers there is the one it started.
//
// Not through the starknet-devnet package's Devnet.spawnCommand: its free-port pick is a
// check-then-bind from a fixed port (two runs started together pick the same port, and
// the second run then talks to the first run's devnet), it reports any devnet answering
// on that port as started, and a devnet that exits early leaves an unhandled rejection
// behind. Its DevnetProvider is still what talks to devnet. Never spawnVersion either:
// that downloads a binary from GitHub.
import { type ChildProcess, spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { DevnetProvider, type DevnetOutput } from "starknet-devnet";
import { requireTool } from "./toolchain.ts";

/** Fixed seed: the predeployed accounts (and their keys) are the same on every run. */
export const DEVNET_SEED = 0;
export const DEVNET_ACCOUNTS = 10;
const DEFAULT_HOST = "127.0.0.1";
/** Starts tried on fresh ports before giving up (only without a fixed port). */
const DEFAULT_ATTEMPTS = 4;
/** Two busy cores can make a start slow; devnet 0.10.1 usually answers in about 2 s. */
const DEFAULT_STARTUP_MILLIS = 60_000;
/** The identity nonce is a server request timeout (seconds) in this range: never below devnet's default 120 s. */
const NONCE_MIN = 600;
const NONCE_MAX = 65_535;

export class DevnetStartError extends Error {
  override name = "DevnetStartError";
}

export interface StartDevnetOptions {
  /** Fixed port: one attempt, failing if the port is busy. By default a free port from the OS, retried. */
  port?: number;
  host?: string;
  /** Where devnet's own log goes (default: dropped). */
  output?: DevnetOutput;
  /** Keep the process alive after this Node process exits (default false). */
  keepAlive?: boolean;
  /**
   * Picks the port of each attempt when no fixed `port` is given (default: `reservePort`).
   * For tests that make an attempt land on a busy port.
   */
  choosePort?: (host: string, attempt: number) => Promise<number>;
  /** Attempts on fresh ports (default 4). */
  attempts?: number;
  /** How long one attempt waits for devnet to answer (default 60 s). */
  maxStartupMillis?: number;
}

/**
 * What only the process that started a devnet knows about it, as devnet_getConfig reports
 * it: the port it was told, the seed, and a random nonce passed as `--timeout` (the
 * server's request timeout in seconds; any value from 600 s up changes nothing for our
 * requests, and no other devnet is started with the same one).
 */
export interface DevnetIdentity {
  port: number;
  seed: number;
  accounts: number;
  nonce: number;
}

/** A devnet process started by startDevnet. */
export interface DevnetProcess {
  /** Devnet's own API (mint, time, predeployed accounts, config). */
  provider: DevnetProvider;
  process: ChildProcess;
  /** Sends `signal` to devnet; true if it was sent. */
  kill(signal?: NodeJS.Signals): boolean;
}

export interface RunningDevnet {
  devnet: DevnetProcess;
  /** Base URL (devnet's own endpoints: /mint, /set_time, ...). */
  url: string;
  /** JSON-RPC endpoint for starknet.js. */
  rpcUrl: string;
  identity: DevnetIdentity;
}

/** A port that was free a moment ago, chosen by the OS (listen on port 0, read it, close). */
export function reservePort(host = DEFAULT_HOST): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen({ port: 0, host }, () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new DevnetStartError(`could not reserve a port on ${host}`)) : resolve(port)));
    });
  });
}

function baseUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

interface ReportedConfig {
  seed?: unknown;
  total_accounts?: unknown;
  server_config?: { port?: unknown; timeout?: unknown };
}

/** devnet_getConfig of whatever answers at `url`, or undefined if nothing answers it (in 2 s). */
async function reportedConfig(url: string): Promise<ReportedConfig | undefined> {
  try {
    const response = await fetch(`${url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "devnet_getConfig" }),
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) return undefined;
    const body: unknown = await response.json();
    if (typeof body !== "object" || body === null || !("result" in body)) return undefined;
    const { result } = body;
    return typeof result === "object" && result !== null ? result : undefined;
  } catch {
    return undefined;
  }
}

function matches(config: ReportedConfig, identity: DevnetIdentity): boolean {
  return (
    config.seed === identity.seed &&
    config.total_accounts === identity.accounts &&
    config.server_config?.port === identity.port &&
    config.server_config?.timeout === identity.nonce
  );
}

/** True when the devnet answering at `url` reports `identity` (devnet_getConfig). */
export async function hasIdentity(url: string, identity: DevnetIdentity): Promise<boolean> {
  const config = await reportedConfig(url);
  return config !== undefined && matches(config, identity);
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

// Devnets to stop when this process ends, however it ends: on exit, and on the signals
// that would otherwise end it without an exit event (the children run in their own
// process group, so Ctrl-C does not reach them directly).
const running = new Set<ChildProcess>();
let cleanupRegistered = false;

function stopAll(): void {
  for (const child of running) if (!exited(child)) child.kill("SIGTERM");
  running.clear();
}

function registerCleanup(): void {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  process.on("exit", stopAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      stopAll();
      // Alone, this listener would swallow the signal: then end the way the signal would
      // have. Other listeners (a script's own Ctrl-C handler) decide for themselves.
      if (process.listenerCount(signal) === 1) {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

type Attempt = { ok: true; devnet: DevnetProcess } | { ok: false; reason: string };

async function attempt(binary: string, host: string, port: number, identity: DevnetIdentity, options: StartDevnetOptions): Promise<Attempt> {
  const url = baseUrl(host, port);
  const args = ["--seed", String(identity.seed), "--accounts", String(identity.accounts), "--host", host, "--port", String(port), "--timeout", String(identity.nonce)];
  const output = options.output ?? "ignore";
  // Own process group (as the package does): a keepAlive devnet survives Ctrl-C; others
  // are stopped by registerCleanup. Unref: devnet alone does not keep this process running.
  const child = spawn(binary, args, { detached: true, stdio: ["ignore", output, output] });
  child.unref();
  if (!options.keepAlive) {
    running.add(child);
    child.once("exit", () => running.delete(child));
    registerCleanup();
  }
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const stop = (reason: string): Attempt => {
    if (!exited(child)) child.kill("SIGTERM");
    return { ok: false, reason };
  };

  const deadline = Date.now() + (options.maxStartupMillis ?? DEFAULT_STARTUP_MILLIS);
  while (Date.now() < deadline) {
    if (spawnError) return stop(`could not run ${binary}: ${spawnError.message}`);
    if (exited(child)) return { ok: false, reason: `devnet exited (${child.exitCode !== null ? `code ${child.exitCode}` : child.signalCode}) before answering on port ${port}; is the port taken?` };
    const config = await reportedConfig(url);
    if (config !== undefined) {
      // Something answers as a devnet: ours only if it reports our identity and our child
      // still runs (a devnet that could not bind the port exits).
      if (!matches(config, identity)) return stop(`another devnet answers on port ${port}`);
      if (exited(child)) return { ok: false, reason: `a devnet with our identity answers on port ${port}, but ours exited` };
      const devnet: DevnetProcess = {
        provider: new DevnetProvider({ url }),
        process: child,
        kill: (signal: NodeJS.Signals = "SIGTERM") => child.kill(signal),
      };
      return { ok: true, devnet };
    }
    await sleep(100);
  }
  return stop(`devnet did not answer on port ${port} within ${options.maxStartupMillis ?? DEFAULT_STARTUP_MILLIS} ms`);
}

/**
 * Starts a devnet with the fixed seed (DEVNET_SEED) and DEVNET_ACCOUNTS accounts, on a
 * port the OS just handed out (or `options.port`), and returns once devnet_getConfig on
 * that port reports the identity this call gave it and the process is still running.
 * Anything else (another devnet on the port, an early exit, no answer) stops the child
 * and tries a fresh port, up to `attempts` times; with a fixed port it fails at once.
 */
export async function startDevnet(options: StartDevnetOptions = {}): Promise<RunningDevnet> {
  const binary = requireTool("devnet");
  const host = options.host ?? DEFAULT_HOST;
  const attempts = options.port !== undefined ? 1 : Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
  const choosePort = options.choosePort ?? ((h: string) => reservePort(h));
  const failures: string[] = [];
  for (let i = 0; i < attempts; i++) {
    const port = options.port ?? (await choosePort(host, i));
    const identity: DevnetIdentity = { port, seed: DEVNET_SEED, accounts: DEVNET_ACCOUNTS, nonce: randomInt(NONCE_MIN, NONCE_MAX + 1) };
    const result = await attempt(binary, host, port, identity, options);
    if (result.ok) {
      const url = baseUrl(host, port);
      return { devnet: result.devnet, url, rpcUrl: `${url}/rpc`, identity };
    }
    failures.push(result.reason);
  }
  const tried = failures.length === 1 ? failures[0] : failures.map((reason, i) => `attempt ${i + 1}: ${reason}`).join("; ");
  throw new DevnetStartError(`could not start a devnet of our own on ${host}: ${tried}`);
}

// Relayer processes of `relayer/main.ts` started as children, as a user scales the relayer
// out: several processes, one database. For bench:relayer and the fault tests.
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const READY = /\[relayer\] SNIP-29 paymaster at (http:\/\/\S+)/;

export interface RelayerProcessOptions {
  rpcUrl: string;
  databaseUrl: string;
  /** `address:privateKey` pairs. */
  relayerAccounts: { address: string; privateKey: string }[];
  port?: number;
  env?: Record<string, string>;
  /** Receives every line the process prints. */
  onLine?: (line: string) => void;
  startupMs?: number;
}

export interface RelayerProcess {
  url: string;
  child: ChildProcess;
  /** Everything it printed so far. */
  output: string[];
  /** SIGTERM (graceful: in-flight requests finish) and waits for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: the process dies mid-whatever, as in a crash. */
  kill(): Promise<void>;
}

export async function spawnRelayer(options: RelayerProcessOptions): Promise<RelayerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "relayer/main.ts"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      STARKNET_RPC_URL: options.rpcUrl,
      DATABASE_URL: options.databaseUrl,
      RELAYER_ACCOUNTS: options.relayerAccounts.map((account) => `${account.address}:${account.privateKey}`).join(","),
      RELAYER_PORT: String(options.port ?? 0),
      RELAYER_LOG_LEVEL: process.env.RELAYER_LOG_LEVEL ?? "warn",
      ...options.env,
    },
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relayer process did not start within ${options.startupMs ?? 60_000} ms:\n${output.join("\n")}`)), options.startupMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        output.push(line);
        options.onLine?.(line);
        const ready = READY.exec(line);
        if (ready) {
          clearTimeout(timer);
          resolve(ready[1] as string);
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`relayer process exited with ${code} before it started:\n${output.join("\n")}`));
    });
  });
  return {
    url,
    child,
    output,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
    kill: async () => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

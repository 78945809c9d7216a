// Starts the pinned starknet-devnet binary (built by setup) through the starknet-devnet
// package's spawnCommand. Never spawnVersion: that downloads a binary from GitHub.
import { Devnet, type DevnetOutput } from "starknet-devnet";
import { requireTool } from "./toolchain.ts";

/** Fixed seed: the predeployed accounts (and their keys) are the same on every run. */
export const DEVNET_SEED = 0;
export const DEVNET_ACCOUNTS = 10;

export interface StartDevnetOptions {
  /** Fixed port; by default the package picks a free one. */
  port?: number;
  host?: string;
  /** Where devnet's own log goes (default: dropped). */
  output?: DevnetOutput;
  /** Keep the process alive after this Node process exits (default false). */
  keepAlive?: boolean;
}

export interface RunningDevnet {
  devnet: Devnet;
  /** Base URL (devnet's own endpoints: /mint, /set_time, ...). */
  url: string;
  /** JSON-RPC endpoint for starknet.js. */
  rpcUrl: string;
}

export async function startDevnet(options: StartDevnetOptions = {}): Promise<RunningDevnet> {
  const args = ["--seed", String(DEVNET_SEED), "--accounts", String(DEVNET_ACCOUNTS)];
  if (options.host) args.push("--host", options.host);
  if (options.port !== undefined) args.push("--port", String(options.port));
  const output = options.output ?? "ignore";
  const devnet = await Devnet.spawnCommand(requireTool("devnet"), {
    args,
    stdout: output,
    stderr: output,
    // Two busy cores can make the first start slower than the package's 5 s default.
    maxStartupMillis: 60_000,
    keepAlive: options.keepAlive ?? false,
  });
  const url = devnet.provider.url;
  return { devnet, url, rpcUrl: `${url}/rpc` };
}

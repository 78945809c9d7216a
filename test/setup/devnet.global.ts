// One real starknet-devnet for the whole integration run, on a port of its own, stopped in
// teardown whether tests passed or failed (and by scripts/lib/devnet.ts on exit).
// startDevnet returns only once the devnet on that port reports the identity it was
// started with, so concurrent runs never share a chain; tests can check it again.
import type { TestProject } from "vitest/node";
import { type DevnetIdentity, startDevnet } from "../../scripts/lib/devnet.ts";

declare module "vitest" {
  export interface ProvidedContext {
    devnetUrl: string;
    devnetIdentity: DevnetIdentity;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const { devnet, url, identity } = await startDevnet({ output: process.env.DEVNET_LOG ? "inherit" : "ignore" });
  project.provide("devnetUrl", url);
  project.provide("devnetIdentity", identity);
  return () => {
    devnet.kill("SIGTERM");
  };
}

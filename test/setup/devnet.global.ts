// One real starknet-devnet for the whole integration run, on a free port, stopped in
// teardown whether tests passed or failed (and by the starknet-devnet package on exit).
import type { TestProject } from "vitest/node";
import { startDevnet } from "../../scripts/lib/devnet.ts";

declare module "vitest" {
  export interface ProvidedContext {
    devnetUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const { devnet, url } = await startDevnet({ output: process.env.DEVNET_LOG ? "inherit" : "ignore" });
  project.provide("devnetUrl", url);
  return () => {
    devnet.kill("SIGTERM");
  };
}

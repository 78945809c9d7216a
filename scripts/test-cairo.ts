// Runs the Cairo unit tests (contracts/tests/) with cairo-test, on the crate the build
// describes (target/cairo-project, generated from Scarb.toml).
import { spawnSync } from "node:child_process";
import { buildContracts, BuildError, writeCairoProject, readManifest } from "./lib/build-contracts.ts";
import { requireTool, ToolchainError } from "./lib/toolchain.ts";

try {
  await buildContracts({ quiet: true });
  const projectDir = writeCairoProject(readManifest());
  const result = spawnSync(requireTool("cairoTest"), ["--starknet", projectDir], { stdio: "inherit", env: { ...process.env, RUST_BACKTRACE: "0" } });
  if (result.error) throw new ToolchainError(`could not run cairo-test: ${result.error.message}`);
  if (result.status !== 0) {
    console.error("[cairo-test] Cairo unit tests failed");
    process.exit(result.status ?? 1);
  }
} catch (error) {
  if (error instanceof BuildError || error instanceof ToolchainError) {
    console.error(`[cairo-test] ${error.message}`);
    process.exit(1);
  }
  throw error;
}

// `npm run build`: compile every contract listed in Scarb.toml (skipped when nothing changed).
import { buildContracts, BuildError } from "./lib/build-contracts.ts";
import { ToolchainError } from "./lib/toolchain.ts";

buildContracts().catch((error: unknown) => {
  if (error instanceof BuildError || error instanceof ToolchainError) {
    console.error(`\n[build] ${error.message}`);
    process.exit(1);
  }
  throw error;
});

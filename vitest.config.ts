import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        // Pure logic: no chain, no devnet started (`npm run test:unit`).
        test: { name: "unit", include: ["test/unit/**/*.test.ts"] },
      },
      {
        // Real transactions on one devnet per run, started by the global setup.
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          globalSetup: ["test/setup/devnet.global.ts", "test/setup/sdk-package.global.ts"],
          // One chain, one clock, shared funded accounts: files run one after another.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});

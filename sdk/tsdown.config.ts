// The publishable package: one ESM entry with its type declarations, built from the SDK's
// TypeScript sources. starknet.js is the dApp's (a peer dependency) and stays external;
// the build targets browsers and Node alike, so no Node built-in may be imported.
import { builtinModules } from "node:module";
import { defineConfig } from "tsdown";

/** Refuses any Node built-in: the same build runs in browsers. */
const noNodeBuiltins = {
  name: "no-node-builtins",
  resolveId(id: string) {
    if (id.startsWith("node:") || builtinModules.includes(id)) throw new Error(`the SDK imports the Node built-in ${JSON.stringify(id)}; the package must run in browsers too`);
    return null;
  },
};

export default defineConfig({
  cwd: import.meta.dirname,
  // The policy builder is a second entry (and the chunk the main one loads on demand).
  entry: { index: "index.ts", policies: "policies/methods.ts" },
  format: "esm",
  platform: "neutral",
  target: "es2022",
  outDir: "dist",
  dts: true,
  clean: true,
  sourcemap: true,
  deps: { neverBundle: ["starknet", /^@noble\/hashes/, "@openzeppelin/merkle-tree"] },
  plugins: [noNodeBuiltins],
});

// The example dApp's Vite setup, shared by `npm run example:web` and the browser test.
// `@session-account/sdk` resolves to the BUILT package (sdk/dist, `npm run build:sdk`),
// so the page runs exactly what a dApp installing the package would get. The page talks
// to the chain through its own origin (`/rpc`, proxied to the node): no CORS needed, and
// an RPC URL's path or query (where API keys live) never reaches the browser.
import { join } from "node:path";
import { defineConfig, type InlineConfig } from "vite";

export const EXAMPLE_ROOT = import.meta.dirname;
const PROJECT_ROOT = join(EXAMPLE_ROOT, "..", "..");
export const SDK_BUILD = join(PROJECT_ROOT, "sdk", "dist", "index.js");

export interface ExampleConfigParameters {
  /** The JSON-RPC endpoint the `/rpc` path is proxied to. */
  rpcUrl: string;
  /** 0 for any free port; a busy port moves on to the next free one. */
  port?: number;
}

export function exampleConfig({ rpcUrl, port = 5173 }: ExampleConfigParameters): InlineConfig {
  const target = new URL(rpcUrl);
  return {
    configFile: false,
    root: EXAMPLE_ROOT,
    logLevel: "warn",
    resolve: { alias: [{ find: /^@session-account\/sdk$/, replacement: SDK_BUILD }] },
    // Pre-bundled at start-up, so the first page load does not discover them and reload.
    optimizeDeps: { include: ["starknet", "@noble/hashes/scrypt.js", "@noble/hashes/legacy.js"] },
    server: {
      // 127.0.0.1 is a secure context: WebCrypto (crypto.subtle) is available there.
      host: "127.0.0.1",
      port,
      fs: { allow: [PROJECT_ROOT] },
      proxy: { "/rpc": { target: target.origin, changeOrigin: true, rewrite: () => `${target.pathname}${target.search}` } },
    },
    build: { target: "es2022" },
  };
}

// `vite --config examples/web/vite.config.ts`: the page alone, printing its URL.
export default defineConfig({ ...exampleConfig({ rpcUrl: process.env.EXAMPLE_RPC_URL ?? "http://127.0.0.1:5050/rpc" }), logLevel: "info" });

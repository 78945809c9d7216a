// What the SDK adds to a dApp's browser bundle: the built package (sdk/dist, as npm ships
// it) bundled by esbuild for a page that imports only `names`, minified, with starknet.js
// and the package's own dependencies left to the dApp (they are its peers or shared).
// Reports the entry's size and that of the chunks it loads only when needed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { PROJECT_ROOT } from "./build-contracts.ts";

export interface BundleSize {
  minified: number;
  gzipped: number;
  /** Chunks loaded only on demand (policy sessions' Merkle code), minified + gzipped. */
  lazyGzipped: number;
}

export async function sdkBundleSize(names: readonly string[]): Promise<BundleSize> {
  execFileSync(join(PROJECT_ROOT, "node_modules", ".bin", "tsdown"), ["--config", join(PROJECT_ROOT, "sdk", "tsdown.config.ts"), "--log-level", "warn"], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  const work = mkdtempSync(join(tmpdir(), "sdk-bundle-"));
  try {
    const entry = join(work, "entry.js");
    writeFileSync(entry, `export { ${names.join(", ")} } from ${JSON.stringify(join(PROJECT_ROOT, "sdk", "dist", "index.js"))};\n`);
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      outdir: join(work, "out"),
      write: false,
      external: ["starknet", "@noble/hashes", "@noble/hashes/*", "@openzeppelin/merkle-tree"],
      logLevel: "silent",
      metafile: true,
    });
    // The page loads the entry and what it imports statically; dynamic imports load later.
    const outputs = result.metafile.outputs;
    const byPath = new Map(result.outputFiles.map((file) => [file.path, file.contents]));
    const key = (path: string) => Object.keys(outputs).find((output) => join(PROJECT_ROOT, output) === path || output.endsWith(path.replace(/^(\.\.\/)+/, "")));
    const entryKey = Object.keys(outputs).find((output) => output.endsWith("entry.js"));
    if (!entryKey) throw new Error("esbuild produced no entry chunk");
    const eager = new Set<string>();
    const lazy = new Set<string>();
    const visit = (output: string) => {
      if (eager.has(output)) return;
      eager.add(output);
      for (const imported of outputs[output]?.imports ?? []) {
        if (imported.external) continue;
        const target = key(imported.path) ?? imported.path;
        if (imported.kind === "dynamic-import") lazy.add(target);
        else visit(target);
      }
    };
    visit(entryKey);
    const contents = (output: string) => byPath.get(join(PROJECT_ROOT, output)) ?? [...byPath.entries()].find(([path]) => path.endsWith(output.replace(/^(\.\.\/)+/, "")))?.[1] ?? new Uint8Array();
    const eagerBytes = [...eager].map(contents);
    return {
      minified: eagerBytes.reduce((total, bytes) => total + bytes.byteLength, 0),
      gzipped: eagerBytes.reduce((total, bytes) => total + gzipSync(bytes).byteLength, 0),
      lazyGzipped: [...lazy].filter((output) => !eager.has(output)).reduce((total, output) => total + gzipSync(contents(output)).byteLength, 0),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// The Cairo toolchain this project builds and tests with, and where to find it.
// Versions are pinned on purpose (see README, "Toolchain"): devnet recompiles every
// declared class with cairo-lang 2.19.4 and rejects a different compiled_class_hash,
// so the CASM must come from starknet-sierra-compile 2.19.4; the Cairo->Sierra compiler
// must match its corelib, and 2.16.0 is the newest corelib a registry ships.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

export interface CargoTool {
  /** Executable name. */
  bin: string;
  /** crates.io package that provides it. */
  crate: string;
  version: string;
  /** `cargo install --root` folder inside the cache. */
  installRoot: string;
  /** Cold build time on 2 cores, for the progress message. */
  coldBuild: string;
}

// starknet-compile and cairo-test share one root: both look for `corelib/` next to
// their `bin/` folder, so one corelib copy serves both.
const CAIRO_ROOT = "cairo-2.16.0";

export const TOOLS = {
  devnet: { bin: "starknet-devnet", crate: "starknet-devnet", version: "0.10.1", installRoot: "starknet-devnet-0.10.1", coldBuild: "about 22 min" },
  sierraCompile: { bin: "starknet-sierra-compile", crate: "starknet-sierra-compile", version: "2.19.4", installRoot: "starknet-sierra-compile-2.19.4", coldBuild: "about 2 min after devnet" },
  compile: { bin: "starknet-compile", crate: "starknet-compile", version: "2.16.0", installRoot: CAIRO_ROOT, coldBuild: "about 8 min" },
  cairoTest: { bin: "cairo-test", crate: "cairo-test", version: "2.16.0", installRoot: CAIRO_ROOT, coldBuild: "about 4 min" },
} as const satisfies Record<string, CargoTool>;

export type ToolName = keyof typeof TOOLS;

/** The corelib ships inside this crates.io package (never built, only unpacked). */
export const CORELIB = { crate: "cairo-native", version: "0.9.0-rc.2", corelibVersion: "2.16.0", installRoot: CAIRO_ROOT } as const;

export function cacheDir(): string {
  if (process.env.SESSION_ACCOUNT_CACHE) return process.env.SESSION_ACCOUNT_CACHE;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "session-account");
}

export function toolchainDir(): string {
  return join(cacheDir(), "toolchain");
}

/** One persistent target dir: an interrupted build resumes, and later tools reuse crates. */
export function cargoTargetDir(): string {
  return join(toolchainDir(), "cargo-target");
}

export function cachedBinary(tool: CargoTool): string {
  return join(toolchainDir(), tool.installRoot, "bin", tool.bin);
}

export function corelibDir(): string {
  return join(toolchainDir(), CORELIB.installRoot, "corelib");
}

/** The version a binary reports, or undefined when it does not run. */
export function reportedVersion(binary: string): string | undefined {
  try {
    const out = execFileSync(binary, ["--version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 20_000 });
    return out.match(/(\d+\.\d+\.\d+(?:-[\w.]+)?)/)?.[1];
  } catch {
    return undefined;
  }
}

function onPath(bin: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, bin);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface FoundTool {
  path: string;
  source: "cache" | "PATH";
}

/**
 * Finds a tool of exactly the pinned version: first our cache, then PATH (a user who
 * already installed it). A binary of another version is ignored, never used.
 */
export function findTool(tool: CargoTool): FoundTool | undefined {
  const cached = cachedBinary(tool);
  if (existsSync(cached) && reportedVersion(cached) === tool.version) return { path: cached, source: "cache" };
  const fromPath = onPath(tool.bin);
  if (fromPath && reportedVersion(fromPath) === tool.version) return { path: fromPath, source: "PATH" };
  return undefined;
}

export class ToolchainError extends Error {
  override name = "ToolchainError";
}

/** The path of a tool for scripts that need it now (build, devnet, tests). */
export function requireTool(name: ToolName): string {
  const tool = TOOLS[name];
  const found = findTool(tool);
  if (!found) {
    throw new ToolchainError(`${tool.bin} ${tool.version} is not installed yet: run \`npm run setup\` (it builds the toolchain into ${toolchainDir()}).`);
  }
  if (tool.installRoot === CORELIB.installRoot && found.source === "cache" && !existsSync(join(corelibDir(), "src", "lib.cairo"))) {
    throw new ToolchainError(`the Cairo corelib is missing from ${corelibDir()}: run \`npm run setup\`.`);
  }
  return found.path;
}

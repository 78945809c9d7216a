// Idempotent setup: finds or builds the pinned Cairo toolchain into a cache outside the
// repository, then builds the contracts. Run through scripts/bootstrap.mjs (npm run setup,
// npm test, npm run demo), which first installs the JS dependencies.
// Warm (everything cached) it takes seconds; cold it compiles the tools from crates.io
// (about 30 minutes on 2 cores) and shows cargo's progress while doing so.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { buildContracts, BuildError } from "./lib/build-contracts.ts";
import { formatDuration, log } from "./lib/log.ts";
import {
  CORELIB,
  type CargoTool,
  cargoTargetDir,
  cachedBinary,
  corelibDir,
  findTool,
  reportedVersion,
  TOOLS,
  toolchainDir,
  ToolchainError,
} from "./lib/toolchain.ts";

const quiet = process.argv.includes("--quiet");
const say = (message: string) => {
  if (!quiet) log(message);
};

function requireCargo(): void {
  const probe = spawnSync("cargo", ["--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new ToolchainError(
      "cargo was not found. The Cairo toolchain is built from crates.io with cargo: install Rust (https://rustup.rs), open a new shell so `cargo` is on PATH, and run `npm run setup` again.",
    );
  }
}

/** Why a cargo command failed, in words a person can act on. */
function explainCargoFailure(what: string, stderrTail: string): string {
  const network = /(failed to (download|query|get|fetch|update)|Couldn't resolve host|could not resolve|network|timed out|Connection refused|spurious)/i;
  if (network.test(stderrTail)) {
    return `${what} failed: crates.io could not be reached (see cargo's output above). Check the network or proxy settings, then run \`npm run setup\` again; finished crates are kept and the build resumes.`;
  }
  if (/No space left on device/i.test(stderrTail)) {
    return `${what} failed: the disk is full. The toolchain cache (${toolchainDir()}) needs about 5 GB.`;
  }
  return `${what} failed (see cargo's output above). Run \`npm run setup\` again to resume; if it fails the same way, remove ${cargoTargetDir()} and retry.`;
}

/** Runs cargo with its output shown, a heartbeat line each minute, and the tail kept for diagnosis. */
function runCargo(args: string[], what: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, CARGO_TARGET_DIR: cargoTargetDir() };
  if (process.stderr.isTTY) {
    // Piped through us, cargo would think it writes to a file and hide its progress bar.
    env.CARGO_TERM_PROGRESS_WHEN = "always";
    env.CARGO_TERM_PROGRESS_WIDTH = String(process.stderr.columns || 100);
    env.CARGO_TERM_COLOR = "always";
  }
  const started = Date.now();
  let compiled = 0;
  let tail = "";
  return new Promise((resolve, reject) => {
    const child = spawn("cargo", args, { env, stdio: ["ignore", "inherit", "pipe"] });
    child.stderr.on("data", (chunk: Buffer) => {
      const text = chunk.toString();
      process.stderr.write(text);
      compiled += text.match(/Compiling /g)?.length ?? 0;
      tail = (tail + text).slice(-8000);
    });
    const heartbeat = setInterval(() => {
      log(`  ... ${what}: ${formatDuration(Date.now() - started)} elapsed, ${compiled} crates compiled so far`);
    }, 60_000);
    child.on("error", (error) => {
      clearInterval(heartbeat);
      reject(new ToolchainError(`could not run cargo: ${error.message}`));
    });
    child.on("close", (code) => {
      clearInterval(heartbeat);
      if (code === 0) resolve();
      else reject(new ToolchainError(explainCargoFailure(what, tail)));
    });
  });
}

async function ensureTool(tool: CargoTool): Promise<void> {
  const label = `${tool.bin} ${tool.version}`;
  const found = findTool(tool);
  if (found) {
    say(`${label}: ${found.source === "cache" ? "cached" : "found on PATH"} (${found.path})`);
    return;
  }
  requireCargo();
  log(`${label}: building from crates.io with cargo install (${tool.coldBuild} on 2 cores; an interrupted build resumes) ...`);
  const started = Date.now();
  const root = join(toolchainDir(), tool.installRoot);
  mkdirSync(root, { recursive: true });
  await runCargo(["install", tool.crate, "--version", tool.version, "--locked", "--root", root], `building ${label}`);
  const version = reportedVersion(cachedBinary(tool));
  if (version !== tool.version) {
    throw new ToolchainError(`${label}: cargo finished but ${cachedBinary(tool)} reports version ${version ?? "nothing"}.`);
  }
  log(`${label}: built in ${formatDuration(Date.now() - started)}`);
}

function cargoHome(): string {
  return process.env.CARGO_HOME || join(homedir(), ".cargo");
}

function findDownloadedCrate(fileName: string): string | undefined {
  const cache = join(cargoHome(), "registry", "cache");
  if (!existsSync(cache)) return undefined;
  for (const index of readdirSync(cache)) {
    const candidate = join(cache, index, fileName);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The corelib 2.16.0 is the `corelib/` folder of the crates.io package cairo-native
 * 0.9.0-rc.2. `cargo info` downloads the package (a gzipped tar) into cargo's cache;
 * we only unpack that folder. cairo-native itself is never built (it needs LLVM).
 */
async function ensureCorelib(): Promise<void> {
  const target = corelibDir();
  const manifest = join(target, "Scarb.toml");
  if (existsSync(join(target, "src", "lib.cairo")) && readFileSync(manifest, "utf8").includes(`version = "${CORELIB.corelibVersion}"`)) {
    say(`Cairo corelib ${CORELIB.corelibVersion}: cached (${target})`);
    return;
  }
  const crateFile = `${CORELIB.crate}-${CORELIB.version}.crate`;
  let downloaded = findDownloadedCrate(crateFile);
  if (!downloaded) {
    requireCargo();
    log(`Cairo corelib ${CORELIB.corelibVersion}: downloading ${CORELIB.crate} ${CORELIB.version} from crates.io ...`);
    await runCargo(["info", `${CORELIB.crate}@${CORELIB.version}`], `downloading ${CORELIB.crate}`);
    downloaded = findDownloadedCrate(crateFile);
    if (!downloaded) throw new ToolchainError(`cargo info did not leave ${crateFile} in ${join(cargoHome(), "registry", "cache")}.`);
  }
  const unpackDir = mkdtempSync(join(toolchainDir(), "corelib-unpack-"));
  try {
    const folder = `${CORELIB.crate}-${CORELIB.version}/corelib`;
    const untar = spawnSync("tar", ["-xzf", downloaded, "-C", unpackDir, folder], { encoding: "utf8" });
    if (untar.status !== 0) throw new ToolchainError(`could not unpack ${downloaded}: ${untar.stderr || untar.error?.message}`);
    const unpacked = join(unpackDir, folder);
    if (!readFileSync(join(unpacked, "Scarb.toml"), "utf8").includes(`version = "${CORELIB.corelibVersion}"`)) {
      throw new ToolchainError(`${crateFile} does not carry corelib ${CORELIB.corelibVersion}.`);
    }
    rmSync(target, { recursive: true, force: true });
    mkdirSync(join(target, ".."), { recursive: true });
    renameSync(unpacked, target);
  } finally {
    rmSync(unpackDir, { recursive: true, force: true });
  }
  log(`Cairo corelib ${CORELIB.corelibVersion}: unpacked into ${target}`);
}

async function main(): Promise<void> {
  const started = Date.now();
  say(`toolchain cache: ${toolchainDir()}`);
  mkdirSync(toolchainDir(), { recursive: true });
  // devnet first: it is the longest build, and sierra-compile reuses its compiled crates.
  await ensureTool(TOOLS.devnet);
  await ensureTool(TOOLS.sierraCompile);
  await ensureTool(TOOLS.compile);
  await ensureTool(TOOLS.cairoTest);
  await ensureCorelib();
  if (!process.argv.includes("--no-build")) await buildContracts({ quiet });
  say(`setup done in ${formatDuration(Date.now() - started)}`);
}

main().catch((error: unknown) => {
  if (error instanceof ToolchainError || error instanceof BuildError) {
    console.error(`\n[setup] ${error.message}`);
    process.exit(1);
  }
  throw error;
});

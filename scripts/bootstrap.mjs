#!/usr/bin/env node
// First step of every npm command (`npm test`, `npm run demo`, `npm run setup`, ...).
// Plain JavaScript on purpose: it runs on whatever Node the user has (>= 20), before
// any dependency exists. It installs the JS dependencies (which bring Node 22 through
// the `node` npm package) and then hands over to scripts/setup.ts, which runs on Node 22.
//
//   node scripts/bootstrap.mjs            JS dependencies, Cairo toolchain, contract build
//   node scripts/bootstrap.mjs --js-only  JS dependencies only (unit tests need nothing else)
//   node scripts/bootstrap.mjs --quiet    as the default, printing only what it does
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const jsOnly = args.includes("--js-only");

function fail(message) {
  console.error(`\n[setup] ${message}`);
  process.exit(1);
}

const major = Number(process.versions.node.split(".")[0]);
if (major < 20) fail(`Node ${process.versions.node} is too old: install Node 20 or newer (Node 22 is then installed into node_modules).`);

// Reinstall when package-lock.json changed since the last install, not only when
// node_modules is missing: a pulled dependency bump must not run on stale packages.
const lockFile = join(root, "package-lock.json");
const stampFile = join(root, "node_modules", ".session-account-install-stamp");
const lockHash = createHash("sha256").update(readFileSync(lockFile)).digest("hex");
const installed = existsSync(stampFile) && readFileSync(stampFile, "utf8") === lockHash;
if (!installed) {
  console.log("[setup] installing JS dependencies (npm ci) ...");
  const started = Date.now();
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
  if (result.error) fail(`could not run npm: ${result.error.message}`);
  if (result.status !== 0) {
    fail("npm ci failed (see its output above). Check that the npm registry is reachable, then run `npm run setup` again.");
  }
  writeFileSync(stampFile, lockHash);
  console.log(`[setup] JS dependencies installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (jsOnly) process.exit(0);

// Node 22 from the `node` package: starknet.js 10 needs it, the machine may have 20.
const node22 = join(root, "node_modules", "node", "bin", "node");
const tsxCli = join(root, "node_modules", "tsx", "dist", "cli.mjs");
if (!existsSync(node22)) fail("node_modules/node is missing: run `npm ci` and try again.");
const setup = spawnSync(node22, [tsxCli, join(root, "scripts", "setup.ts"), ...args], { cwd: root, stdio: "inherit" });
if (setup.error) fail(`could not start Node 22 from node_modules: ${setup.error.message}`);
process.exit(setup.status ?? 1);

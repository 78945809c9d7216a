// The SDK as a dApp gets it: `npm pack` of sdk/ (built by the global setup), installed into
// a fresh project outside the repository next to starknet.js, imported by package name
// only, type-checked, and run against the test devnet in Node 22.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { num } from "starknet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../../scripts/lib/build-contracts.ts";
import { deploySessionAccount, type DeployedSessionAccount } from "../helpers/account.ts";
import { devnetUrl } from "../helpers/devnet.ts";
import { counterValue, deployCounter } from "../helpers/fixtures.ts";

const run = promisify(execFile);
const NODE_22 = join(PROJECT_ROOT, "node_modules", "node", "bin", "node");
const TSC = join(PROJECT_ROOT, "node_modules", "typescript", "bin", "tsc");
const STARKNET_VERSION = "10.8.0";

/** The session flow, as a dApp would write it against the installed package. */
const FLOW = `
import { Account, RpcProvider } from "starknet";
import { addSessionKeyToContract, createSessionKey, executeTransactionWithSession, getSessionData, SessionError } from "@session-account/sdk";
import { buildMethodPolicy } from "@session-account/sdk/policies";

const provider = new RpcProvider({ nodeUrl: process.env.RPC_URL });
const accountAddress = process.env.ACCOUNT_ADDRESS;
const owner = new Account({ provider, address: accountAddress, signer: process.env.OWNER_PRIVATE_KEY });
const game = process.env.GAME_CONTRACT;
const now = (await provider.getBlockWithTxHashes("latest")).timestamp;

const key = await createSessionKey({ encryptKey: "a consumer passphrase", durationSeconds: 3600, now });
await addSessionKeyToContract({ account: owner, sessionPublicKey: key.publicKey, validUntil: key.validUntil, maxCalls: 5, allowedEntrypoints: ["increase"] });
const session = { encryptedPrivateKey: key.encryptedPrivateKey, encryptKey: "a consumer passphrase", validUntil: key.validUntil };
const sent = await executeTransactionWithSession({ provider, accountAddress, session, calls: [{ contractAddress: game, entrypoint: "increase", calldata: [2] }] });
let refused = "none";
try {
  await executeTransactionWithSession({ provider, accountAddress, session, calls: [{ contractAddress: game, entrypoint: "decrease", calldata: [1] }] });
} catch (error) {
  refused = error instanceof SessionError ? error.code : "not a SessionError: " + error;
}
const data = await getSessionData({ provider, accountAddress, sessionPublicKey: key.publicKey });
const policyRoot = buildMethodPolicy([{ contractAddress: game, entrypoint: "increase" }]).root;
console.log(JSON.stringify({ resolved: import.meta.resolve("@session-account/sdk"), transactionHash: sent.transactionHash, fee: String(sent.fee), status: data.status, remainingCalls: data.remainingCalls, refused, policyRoot }));
`;

/**
 * Compiles against the package's declarations: a wrong type here is a build error for a
 * dApp. (With skipLibCheck, as dApps build: starknet.js's own declarations do not pass
 * a strict check of themselves.)
 */
const TYPES = `
import { createSessionKey, SessionError, type SessionErrorCode, type GetSessionDataReturnType } from "@session-account/sdk";
import { buildMethodPolicy, type MethodPolicy } from "@session-account/sdk/policies";
const policy: MethodPolicy = buildMethodPolicy([{ contractAddress: "0x1", entrypoint: "increase" }]);
const created: Promise<{ publicKey: string; encryptedPrivateKey: string; validUntil: number }> = createSessionKey({ encryptKey: "eight or more" });
const code: SessionErrorCode = new SessionError("INVALID_INPUT", "typed").code;
const remaining = (data: GetSessionDataReturnType): number => data.remainingCalls;
export { created, code, remaining, policy };
`;

let account: DeployedSessionAccount;
let game: string;
let consumer: string;

beforeAll(async () => {
  account = await deploySessionAccount();
  game = await deployCounter(0);
  consumer = mkdtempSync(join(tmpdir(), "session-sdk-consumer-"));
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", consumer], { cwd: join(PROJECT_ROOT, "sdk") });
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  if (!packed) throw new Error(`npm pack reported nothing: ${stdout}`);
  writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(consumer, packed.filename), `starknet@${STARKNET_VERSION}`, "@types/node@22.20.5"], { cwd: consumer });
}, 300_000);

afterAll(() => {
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("runs a session flow from the installed tarball in Node 22, importing only the package name", async () => {
    writeFileSync(join(consumer, "flow.mjs"), FLOW);
    const { stdout } = await run(NODE_22, ["flow.mjs"], {
      cwd: consumer,
      env: { PATH: process.env.PATH, RPC_URL: `${devnetUrl()}/rpc`, ACCOUNT_ADDRESS: account.address, OWNER_PRIVATE_KEY: account.ownerPrivateKey, GAME_CONTRACT: game },
    });
    const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as Record<string, string | number>;
    expect(String(result.resolved)).toContain(join(consumer, "node_modules", "@session-account", "sdk", "dist", "index.js"));
    expect(result).toMatchObject({ status: "active", remainingCalls: 4, refused: "SESSION_ENTRYPOINT_NOT_ALLOWED" });
    // The policy builder is the package's second entry.
    expect(String(result.policyRoot)).toMatch(/^0x[0-9a-f]+$/);
    expect(BigInt(result.fee as string)).toBeGreaterThan(0n);
    expect(num.toHex(result.transactionHash as string)).toMatch(/^0x[0-9a-f]+$/);
    expect(await counterValue(game)).toBe(2n);
  });

  it("type-checks a dApp against the package's own declarations", async () => {
    writeFileSync(join(consumer, "check.ts"), TYPES);
    await run(NODE_22, [TSC, "--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", "check.ts"], { cwd: consumer });
    // And a misuse is a compile error, so the check above can fail.
    writeFileSync(join(consumer, "misuse.ts"), `import { createSessionKey } from "@session-account/sdk";\ncreateSessionKey({ encryptKey: 1234 });\n`);
    await expect(run(NODE_22, [TSC, "--noEmit", "--strict", "--skipLibCheck", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--types", "node", "misuse.ts"], { cwd: consumer })).rejects.toMatchObject({
      stdout: expect.stringContaining("error TS2322"),
    });
  });
});

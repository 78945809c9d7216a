// Attack: wallet_createSession needs no API key and no ownership of the account: anyone may
// create a session for any deployed session account. permissions accepts 64 entries of 256
// function names each (16,384 Merkle leaves): the relayer builds the policy's Merkle tree
// synchronously (~9 s of blocked event loop on this machine for one ~450 KB request) and
// stores a ~4 MB methodPolicy per session row, which every prepare/send then re-parses and
// rebuilds. A fixed relayer caps the leaves (e.g. 1,024) and answers at once.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deploySessionAccount, type DeployedSessionAccount, randomKeyPair } from "../../helpers/account.ts";
import { latestBlockTime } from "../../helpers/devnet.ts";
import { startTestRelayer, type TestRelayer } from "../../helpers/relayer.ts";

let relayer: TestRelayer;
let victim: DeployedSessionAccount;
const chainId = "0x534e5f5345504f4c4941";

beforeAll(async () => {
  relayer = await startTestRelayer();
  victim = await deploySessionAccount();
});
afterAll(async () => {
  await relayer?.stop();
});

describe("oversized session permissions", () => {
  test("a stranger's 16,384-leaf session request is refused (or at least answered) quickly", async () => {
    const permissions = Array.from({ length: 64 }, (_, contract) => ({
      type: "functions-on-contract",
      data: { address: `0x${(0x1000 + contract).toString(16)}`, functions: Array.from({ length: 256 }, (_, index) => `f${index}_${"a".repeat(18)}`) },
    }));
    const expirySec = (await latestBlockTime()) + 3_600;
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "wallet_createSession",
      params: [{ account: victim.address, chainId, expirySec, key: { publicKey: randomKeyPair().publicKey, type: "stark" }, permissions }],
    });
    expect(body.length).toBeLessThan(512 * 1024);
    const started = Date.now();
    const response = await fetch(relayer.url, { method: "POST", headers: { "content-type": "application/json" }, body });
    const answer = (await response.json()) as { result?: unknown; error?: unknown };
    const elapsed = Date.now() - started;
    // Today: accepted after seconds of blocked event loop, a multi-megabyte row stored.
    expect(answer.error).toBeDefined();
    expect(elapsed).toBeLessThan(3_000);
  });
});

// Attack: flooding the wallet API past the anonymous rate limit. wallet_prepareCalls checks
// the owner's signature on chain (is_valid_signature) and the session's record
// (get_session_generation) before resolveAccess counts the request, so a request with a
// wrong owner signature costs the relayer an RPC call and is never counted.
// wallet_listSessions is never counted at all, and fans out 9 RPC calls per session the
// account has here (anyone may create sessions for any account), all at once.
import { hash, num } from "starknet";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deploySessionAccount, type DeployedSessionAccount, randomKeyPair } from "../../helpers/account.ts";
import { latestBlockTime } from "../../helpers/devnet.ts";
import { deployCounter } from "../../helpers/fixtures.ts";
import { startTestRelayer, type TestRelayer } from "../../helpers/relayer.ts";

const LIMIT = 4;
let relayer: TestRelayer;
let account: DeployedSessionAccount;
let counter: string;
const chainId = "0x534e5f5345504f4c4941";

beforeAll(async () => {
  relayer = await startTestRelayer({ anonymousRequestsPerMinute: LIMIT });
  account = await deploySessionAccount();
  counter = await deployCounter();
});
afterAll(async () => {
  await relayer?.stop();
});

interface RpcAnswer {
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

async function rpc(method: string, params: unknown): Promise<RpcAnswer> {
  const response = await fetch(relayer.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  return (await response.json()) as RpcAnswer;
}

const rateLimited = (answer: RpcAnswer) => answer.error?.code === 163 && String(answer.error.data).startsWith("RATE_LIMITED");

describe("anonymous rate limit on the wallet API", () => {
  let sessionId: string;

  test("setup: one session on the account (one counted request)", async () => {
    const expirySec = (await latestBlockTime()) + 3_600;
    const created = await rpc("wallet_createSession", [
      { account: account.address, chainId, expirySec, key: { publicKey: randomKeyPair().publicKey, type: "stark" }, permissions: [{ type: "functions-on-contract", data: { address: counter, functions: ["increase"] } }] },
    ]);
    expect(created.error).toBeUndefined();
    sessionId = (created.result as { sessionId: string }).sessionId;
  });

  test("wallet_prepareCalls with a wrong owner signature is still counted (RATE_LIMITED after the limit)", async () => {
    const answers: RpcAnswer[] = [];
    for (let i = 0; i < LIMIT * 3; i += 1) {
      answers.push(
        await rpc("wallet_prepareCalls", [
          {
            calls: [{ to: counter, selector: hash.getSelectorFromName("increase"), calldata: [num.toHex(1)] }],
            from: account.address,
            chainId,
            capabilities: { permissions: { sessionId, signature: ["0x1", "0x2"] } },
          },
        ]),
      );
    }
    // Today every one is answered 4100 after an is_valid_signature call on the node: none is counted.
    expect(answers.some(rateLimited)).toBe(true);
  });

  test("wallet_listSessions is counted too (it costs 9 RPC calls per session)", async () => {
    const answers: RpcAnswer[] = [];
    for (let i = 0; i < LIMIT * 3; i += 1) answers.push(await rpc("wallet_listSessions", [{ account: account.address }]));
    expect(answers.some(rateLimited)).toBe(true);
  });
});

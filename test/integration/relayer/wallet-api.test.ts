// The session wallet API driven as a dApp in another language would: plain HTTP JSON-RPC,
// raw hashes signed with Stark keys, no SDK on the client side. Create a session (the
// owner signs once, off-chain), prepare calls (the session key signs one hash), send them
// (relayed, sponsored), follow their status; list and revoke.
import { ec, hash, num, stark, typedData } from "starknet";
import { createWalletClient, sessionMessageHash } from "../../../sdk/index.ts";
import { buildMethodPolicy } from "../../../sdk/policies/methods.ts";
import { BLOCKED_ENTRYPOINTS } from "../../../sdk/utils/blocklist.ts";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { deploySessionAccount, type DeployedSessionAccount, randomKeyPair } from "../../helpers/account.ts";
import { latestBlockTime, rpcProvider } from "../../helpers/devnet.ts";
import { counterValue, deployCounter } from "../../helpers/fixtures.ts";
import { startTestRelayer, type TestRelayer } from "../../helpers/relayer.ts";

let relayer: TestRelayer;
let sponsor: { id: string; secret: string };
let account: DeployedSessionAccount;
let counter: string;
const chainId = "0x534e5f5345504f4c4941";

beforeAll(async () => {
  relayer = await startTestRelayer();
  sponsor = await relayer.apiKey();
  account = await deploySessionAccount();
  counter = await deployCounter();
});
afterAll(async () => {
  await relayer?.stop();
});

interface RpcAnswer {
  result?: Record<string, unknown> & { [key: string]: unknown };
  error?: { code: number; message: string; data?: unknown };
}

async function rpc(method: string, params: unknown, apiKey: string | undefined = sponsor.secret): Promise<RpcAnswer> {
  const response = await fetch(relayer.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apiKey ? { "x-paymaster-api-key": apiKey } : {}) },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as RpcAnswer;
}

function sign(rawPayload: unknown, privateKey: string): [string, string] {
  const { r, s } = ec.starkCurve.sign(String(rawPayload), privateKey);
  return [num.toHex(r), num.toHex(s)];
}

const increase = (amount = 1) => ({ to: counter, selector: hash.getSelectorFromName("increase"), calldata: [num.toHex(amount)] });

async function createSession(permissions: unknown[], key = randomKeyPair()) {
  const expirySec = (await latestBlockTime()) + 3_600;
  const created = await rpc("wallet_createSession", [{ account: account.address, chainId, expirySec, key: { publicKey: key.publicKey, type: "stark" }, permissions }]);
  expect(created.error).toBeUndefined();
  const { sessionId, signatureRequest } = created.result as { sessionId: string; signatureRequest: { type: string; data: { primaryType: string }; rawPayload: string } };
  return { key, sessionId, signatureRequest, ownerSignature: sign(signatureRequest.rawPayload, account.ownerPrivateKey) };
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("timed out");
}

async function sendAsSession(session: Awaited<ReturnType<typeof createSession>>, calls: unknown[], withOwnerSignature: boolean) {
  const prepared = await rpc("wallet_prepareCalls", [
    { calls, from: account.address, chainId, capabilities: { paymasterService: { policyId: sponsor.id }, permissions: { sessionId: session.sessionId, ...(withOwnerSignature ? { signature: session.ownerSignature } : {}) } } },
  ]);
  if (prepared.error) return prepared;
  const { type, data, signatureRequest } = prepared.result as { type: string; data: unknown; signatureRequest: { rawPayload: string } };
  return rpc("wallet_sendPreparedCalls", [{ type, data, chainId, capabilities: { permissions: { sessionId: session.sessionId } }, signature: sign(signatureRequest.rawPayload, session.key.privateKey) }]);
}

async function status(id: unknown) {
  return until(
    async () => (await rpc("wallet_getCallsStatus", [id])).result as { status: number; state: string; receipts?: { transactionHash: string; status: string }[]; reason?: string },
    (value) => value.status !== 100,
  );
}

async function onChain(entrypoint: string, calldata: string[]): Promise<bigint> {
  const [value] = await rpcProvider().callContract({ contractAddress: account.address, entrypoint, calldata });
  return BigInt(value ?? 0);
}

describe("wallet API over plain JSON-RPC", () => {
  test("capabilities: atomic batches, the paymaster, the permission types", async () => {
    const { result } = await rpc("wallet_getCapabilities", [account.address, [chainId]]);
    expect(result).toEqual({
      [chainId]: {
        atomic: { status: "supported" },
        paymasterService: { supported: true },
        permissions: { supported: true, keyTypes: ["stark"], permissionTypes: ["root", "native-token-transfer", "erc20-token-transfer", "gas-limit", "contract-access", "functions-on-contract", "functions-on-all-contracts"] },
      },
    });
  });

  test("create, sign once, act: the first call registers the session from the owner's signature, later calls need none", async () => {
    const session = await createSession([{ type: "functions-on-contract", data: { address: counter, functions: ["increase"] } }, { type: "gas-limit", data: { limit: "0x16345785d8a0000" } }]);
    expect(session.signatureRequest.type).toBe("starknet_signTypedData");
    expect(session.signatureRequest.data.primaryType).toBe("Session");
    const before = await counterValue(counter);
    const sent = await sendAsSession(session, [increase(2)], true);
    expect(sent.error).toBeUndefined();
    const first = await status((sent.result as { id: string }).id);
    expect(first).toMatchObject({ status: 200, state: "included", receipts: [{ status: "0x1" }] });
    expect(await counterValue(counter)).toBe(before + 2n);
    expect(await onChain("get_session_authorization", [session.key.publicKey])).not.toBe(0n);

    const again = await sendAsSession(session, [increase(3)], false);
    expect(again.error).toBeUndefined();
    expect((await status((again.result as { id: string }).id)).status).toBe(200);
    expect(await counterValue(counter)).toBe(before + 5n);

    const listed = (await rpc("wallet_listSessions", [{ account: account.address }])).result as unknown as { sessionId: string; status: string; remainingCalls: number; firstUsed: boolean }[];
    expect(listed.find((entry) => entry.sessionId === session.sessionId)).toMatchObject({ status: "active", remainingCalls: 998, firstUsed: true });
  });

  test("contract-access takes every external function a session may call: an upgradeable contract's admin ones are left out", async () => {
    // Another SessionAccount stands for an upgradeable contract: its ABI names `upgrade`,
    // `revoke_session_key`, `execute_from_outside_v2`, ... beside functions a session may call.
    const other = await deploySessionAccount();
    const session = await createSession([{ type: "contract-access", data: { address: other.address } }]);
    const abi = (await rpcProvider().getClassAt(other.address)).abi as { type: string; name: string; state_mutability?: string; items?: { type: string; name: string; state_mutability?: string }[] }[];
    const external = [...new Set(abi.flatMap((entry) => (entry.type === "interface" ? (entry.items ?? []) : [entry])).filter((entry) => entry.type === "function" && entry.state_mutability === "external").map((entry) => entry.name))];
    expect(external).toEqual(expect.arrayContaining(["upgrade", "revoke_session_key", "execute_from_outside_v2", "end_session"]));
    const allowed = external.filter((name) => !(BLOCKED_ENTRYPOINTS as readonly string[]).includes(name));
    const expected = buildMethodPolicy(allowed.map((entrypoint) => ({ contractAddress: other.address, entrypoint })));
    const message = (session.signatureRequest.data as unknown as { message: Record<string, string> }).message;
    expect(BigInt(message["Methods Root"] ?? 0)).toBe(BigInt(expected.root));
  });

  test("a call outside the session's permissions is refused, and nothing runs", async () => {
    const session = await createSession([{ type: "functions-on-contract", data: { address: counter, functions: ["increase"] } }]);
    const before = await counterValue(counter);
    const refused = await sendAsSession(session, [{ to: counter, selector: hash.getSelectorFromName("decrease"), calldata: ["0x1"] }], true);
    expect(refused.error?.code).toBe(-32602);
    expect(String(refused.error?.data)).toMatch(/^SESSION_METHOD_NOT_ALLOWED/);
    expect(await counterValue(counter)).toBe(before);
    expect(await onChain("get_session_generation", [session.key.publicKey])).toBe(0n);
  });

  test("a forged owner signature is refused before anything is prepared (4100)", async () => {
    const session = await createSession([{ type: "functions-on-contract", data: { address: counter, functions: ["increase"] } }]);
    const forged = { ...session, ownerSignature: sign(session.signatureRequest.rawPayload, stark.randomAddress()) };
    const refused = await sendAsSession(forged, [increase()], true);
    expect(refused.error).toMatchObject({ code: 4100 });
    const noSignature = await sendAsSession(session, [increase()], false);
    expect(noSignature.error).toMatchObject({ code: 4100 });
  });

  test("permissions that cannot be enforced are refused with a clear error", async () => {
    const key = randomKeyPair();
    const expirySec = (await latestBlockTime()) + 3_600;
    for (const [permissions, message] of [
      [[{ type: "account-functions", data: { functions: ["upgrade"] } }], /account-functions is refused/],
      [[{ type: "functions-on-all-contracts", data: { functions: ["transfer"] } }], /functions-on-all-contracts is not offered/],
      [[{ type: "root" }, { type: "gas-limit", data: { limit: "0x16345785d8a0000" } }], /root grants everything/],
      [[{ type: "gas-limit", data: { limit: "0x1" } }], /at least 10\^15 FRI/],
      [[{ type: "teleport" }], /type must be one of/],
    ] as const) {
      const refused = await rpc("wallet_createSession", [{ account: account.address, chainId, expirySec, key: { publicKey: key.publicKey, type: "stark" }, permissions }]);
      expect(refused.error?.code).toBe(-32602);
      expect(String(refused.error?.data)).toMatch(message);
    }
    expect((await rpc("wallet_createSession", [{ account: account.address, chainId: "0x1", expirySec, key: { publicKey: key.publicKey, type: "stark" }, permissions: [{ type: "root" }] }])).error?.code).toBe(5710);
    expect((await rpc("wallet_getCallsStatus", ["0x1234"])).error?.code).toBe(5730);
  });

  test("revocation: the relayer prepares the owner's transaction, the owner signs it once, the session is refused after", async () => {
    const session = await createSession([{ type: "functions-on-contract", data: { address: counter, functions: ["increase"] } }]);
    expect((await status(((await sendAsSession(session, [increase()], true)).result as { id: string }).id)).status).toBe(200);
    const prepared = await rpc("wallet_revokeSession", [{ account: account.address, chainId, sessionId: session.sessionId, capabilities: { paymasterService: { policyId: sponsor.id } } }]);
    expect(prepared.error).toBeUndefined();
    const { type, data, signatureRequest } = prepared.result as { type: string; data: unknown; signatureRequest: { rawPayload: string } };
    const sent = await rpc("wallet_sendPreparedCalls", [{ type, data, chainId, signature: sign(signatureRequest.rawPayload, account.ownerPrivateKey) }]);
    expect((await status((sent.result as { id: string }).id)).status).toBe(200);
    expect(await onChain("is_session_revoked", [session.key.publicKey])).toBe(1n);

    const before = await counterValue(counter);
    const refused = await sendAsSession(session, [increase()], false);
    expect(refused.error).toMatchObject({ code: 153, data: { reason: "REVOKED" } });
    expect(await counterValue(counter)).toBe(before);
    const listed = (await rpc("wallet_listSessions", [{ account: account.address }])).result as unknown as { sessionId: string; status: string }[];
    expect(listed.find((entry) => entry.sessionId === session.sessionId)?.status).toBe("revoked");
  });
});

describe("the SDK's wallet client never signs what a malicious relayer substitutes", () => {
  /** The real relayer, with one answer rewritten on the way back (a relayer gone bad). */
  function tamperedClient(method: string, rewrite: (result: Record<string, any>) => void) {
    const tampering: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const body = (await response.json()) as { result?: Record<string, any> };
      if (JSON.parse(String(init?.body)).method === method && body.result) rewrite(body.result);
      return new Response(JSON.stringify(body), { status: response.status, headers: { "content-type": "application/json" } });
    };
    return createWalletClient({ url: relayer.url, provider: rpcProvider(), apiKey: sponsor.secret, fetch: tampering });
  }

  async function authorizedSession() {
    const key = randomKeyPair();
    const wallet = createWalletClient({ url: relayer.url, provider: rpcProvider(), apiKey: sponsor.secret });
    const expirySec = (await latestBlockTime()) + 3_600;
    const { sessionId, signatureRequest } = await wallet.createSession({ account: account.address, chainId, expirySec, key: { publicKey: key.publicKey, type: "stark" }, permissions: [{ type: "functions-on-contract", data: { address: counter, functions: ["increase"] } }] });
    return { key, sessionId, ownerSignature: sign(signatureRequest.rawPayload, account.ownerPrivateKey) };
  }

  const send = (wallet: ReturnType<typeof createWalletClient>, session: Awaited<ReturnType<typeof authorizedSession>>, calls = [{ to: counter, entrypoint: "increase", calldata: ["0x1"] }]) =>
    wallet.sendCalls({ from: account.address, chainId, sessionId: session.sessionId, sessionPrivateKey: session.key.privateKey, ownerSignature: session.ownerSignature, policyId: sponsor.id, calls });

  test("a hash other than the prepared calls' is refused: the session key signs nothing", async () => {
    const session = await authorizedSession();
    const before = await counterValue(counter);
    const wallet = tamperedClient("wallet_prepareCalls", (result) => {
      result.signatureRequest.rawPayload = num.toHex(BigInt(result.signatureRequest.rawPayload) + 1n);
    });
    await expect(send(wallet, session)).rejects.toMatchObject({ code: "OUTSIDE_EXECUTION_MISMATCH" });
    expect(await counterValue(counter)).toBe(before);
    expect(await onChain("get_session_generation", [session.key.publicKey])).toBe(0n);
  });

  test("prepared calls other than those asked for are refused (a call swapped, a call added)", async () => {
    const session = await authorizedSession();
    // A coherent lie: the hash asked for is the altered typed data's own.
    const rehash = (result: Record<string, any>) => {
      result.signatureRequest.rawPayload = sessionMessageHash(typedData.getMessageHash(result.data.typedData, account.address), 1);
    };
    const swapped = tamperedClient("wallet_prepareCalls", (result) => {
      result.data.typedData.message.Calls[0].Calldata = ["0x64"];
      rehash(result);
    });
    await expect(send(swapped, session)).rejects.toMatchObject({ code: "OUTSIDE_EXECUTION_MISMATCH" });
    const added = tamperedClient("wallet_prepareCalls", (result) => {
      result.data.typedData.message.Calls.push({ To: counter, Selector: hash.getSelectorFromName("increase"), Calldata: ["0x1"] });
      rehash(result);
    });
    await expect(send(added, session)).rejects.toMatchObject({ code: "OUTSIDE_EXECUTION_MISMATCH" });
    expect(await onChain("get_session_generation", [session.key.publicKey])).toBe(0n);
  });

  test("a session of another key, or another expiry, is refused before the owner is asked to sign", async () => {
    const attacker = randomKeyPair();
    const wallet = tamperedClient("wallet_createSession", (result) => {
      result.signatureRequest.data.message.Key = attacker.publicKey;
    });
    const expirySec = (await latestBlockTime()) + 3_600;
    await expect(
      wallet.createSession({ account: account.address, chainId, expirySec, key: { publicKey: randomKeyPair().publicKey, type: "stark" }, permissions: [{ type: "functions-on-contract", data: { address: counter, functions: ["increase"] } }] }),
    ).rejects.toMatchObject({ code: "OUTSIDE_EXECUTION_MISMATCH" });
  });

  test("an honest relayer: the client's checks pass and the call lands", async () => {
    const session = await authorizedSession();
    const before = await counterValue(counter);
    const wallet = createWalletClient({ url: relayer.url, provider: rpcProvider(), apiKey: sponsor.secret });
    const { id } = await send(wallet, session);
    expect((await wallet.waitForCallsStatus(id, { pollMs: 100 })).state).toBe("included");
    expect(await counterValue(counter)).toBe(before + 1n);
  });
});

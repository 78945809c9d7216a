// Ending sessions: the owner ends all of them at once, in O(1), and a session ends itself
// (a dApp's "log out") with the one self-call it may make, and nothing else that way.
import { type Call, OutsideExecutionVersion, outsideExecution, stark } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import { endSession, getSessionData, revokeAllSessions } from "../../sdk/index.ts";
import {
  deploySessionAccount,
  type DeployedSessionAccount,
  executeAndWait,
  expectReason,
  generousResourceBounds,
  nonceOf,
  randomKeyPair,
  registerSession,
  sessionAccountContract,
  sessionData,
  sessionSignedAccount,
  outsideWindow,
} from "../helpers/account.ts";
import { fundedAccount, latestBlockTime, rpcProvider } from "../helpers/devnet.ts";
import { counterValue, deployCounter } from "../helpers/fixtures.ts";

let account: DeployedSessionAccount;
let counter: string;
const increase = (): Call => ({ contractAddress: counter, entrypoint: "increase", calldata: [1] });
const endSessionCall = (sessionKey: string, extra: string[] = []): Call => ({ contractAddress: account.address, entrypoint: "end_session", calldata: [sessionKey, ...extra] });

async function newSession(generation = 1) {
  const keys = randomKeyPair();
  const validUntil = (await latestBlockTime()) + 6 * 3_600;
  await registerSession(account, { publicKey: keys.publicKey, validUntil, maxCalls: 10, entrypoints: ["increase"] });
  return { ...keys, validUntil, signer: sessionSignedAccount(account.address, keys.privateKey, validUntil, generation) };
}

async function status(sessionKey: string) {
  return (await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: sessionKey })).status;
}


async function refusedWithoutTrace(send: () => Promise<unknown>, reason: "REVOKED" | "SELF_CALL" | "BLOCKED_SELECTOR", sessionKey: string) {
  const before = { nonce: await nonceOf(account.address), session: await sessionData(account.address, sessionKey), counter: await counterValue(counter) };
  await expectReason(send(), reason);
  expect({ nonce: await nonceOf(account.address), session: await sessionData(account.address, sessionKey), counter: await counterValue(counter) }).toEqual(before);
}

beforeAll(async () => {
  account = await deploySessionAccount();
  counter = await deployCounter(0);
});

describe("revoke-all", () => {
  it("ends every session at once, direct and relayed, and costs the same whatever their number", async () => {
    const sessions = [await newSession(), await newSession(), await newSession()];
    const epoch = BigInt((await sessionAccountContract(account.address).call("get_sessions_epoch", [])) as bigint);
    const first = await revokeAllSessions({ account: account.owner });
    expect(BigInt((await sessionAccountContract(account.address).call("get_sessions_epoch", [])) as bigint)).toBe(epoch + 1n);
    for (const session of sessions) {
      expect(await status(session.publicKey)).toBe("revoked");
      await refusedWithoutTrace(async () => session.signer.execute([increase()], { resourceBounds: await generousResourceBounds(), tip: 0n }), "REVOKED", session.publicKey);
    }
    const relayer = await fundedAccount(2);
    const relayed = await sessions[0]!.signer.getOutsideTransaction(await outsideWindow(), [increase()], OutsideExecutionVersion.V2, stark.randomAddress());
    await expectReason(relayer.executeFromOutside(relayed), "REVOKED");

    // O(1): with twenty more sessions live, a revoke-all costs the same L2 gas as with none.
    // (The first one above wrote a new storage cell; compare two that update it.)
    const l2Gas = async (hash: string) => BigInt(((await rpcProvider().getTransactionReceipt(hash)) as { execution_resources: { l2_gas: number } }).execution_resources.l2_gas);
    expect(first.transactionHash).toMatch(/^0x/);
    const withNone = await revokeAllSessions({ account: account.owner });
    for (let i = 0; i < 20; i++) await newSession();
    const withTwenty = await revokeAllSessions({ account: account.owner });
    expect(await l2Gas(withTwenty.transactionHash)).toBe(await l2Gas(withNone.transactionHash));
  });

  it("lets a key be registered again afterwards, under a new generation", async () => {
    const session = await newSession();
    await revokeAllSessions({ account: account.owner });
    await registerSession(account, { publicKey: session.publicKey, validUntil: session.validUntil, maxCalls: 10, entrypoints: ["increase"] });
    const data = await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey });
    expect(data).toMatchObject({ status: "active", generation: 2 });
    // The old signer (generation 1) stays dead; the new registration works.
    await expectReason(session.signer.execute([increase()], { resourceBounds: await generousResourceBounds(), tip: 0n }), "INVALID_SIGNATURE");
    await executeAndWait(sessionSignedAccount(account.address, session.privateKey, session.validUntil, 2), [increase()]);
  });

  it("is the owner's alone", async () => {
    const session = await newSession();
    await refusedWithoutTrace(async () => session.signer.execute([{ contractAddress: account.address, entrypoint: "revoke_all_sessions", calldata: [] }], { resourceBounds: await generousResourceBounds(), tip: 0n }), "SELF_CALL", session.publicKey);
    await refusedWithoutTrace(async () => session.signer.execute([{ contractAddress: counter, entrypoint: "revoke_all_sessions", calldata: [] }], { resourceBounds: await generousResourceBounds(), tip: 0n }), "BLOCKED_SELECTOR", session.publicKey);
    expect(await status(session.publicKey)).toBe("active");
  });
});

describe("self-revocation", () => {
  it("a session ends itself with its own transaction, after which its key is refused", async () => {
    const session = await newSession();
    const other = await newSession();
    await endSession({ provider: rpcProvider(), accountAddress: account.address, session: { privateKey: session.privateKey, validUntil: session.validUntil } });
    expect(await status(session.publicKey)).toBe("revoked");
    expect(await status(other.publicKey)).toBe("active");
    await refusedWithoutTrace(async () => session.signer.execute([increase()], { resourceBounds: await generousResourceBounds(), tip: 0n }), "REVOKED", session.publicKey);
  });

  it("works through an outside execution too, the relayer paying", async () => {
    const session = await newSession();
    const relayer = await fundedAccount(2);
    const transaction = await session.signer.getOutsideTransaction(await outsideWindow(), [endSessionCall(session.publicKey)], OutsideExecutionVersion.V2, stark.randomAddress());
    await executeAndWait(relayer, outsideExecution.buildExecuteFromOutsideCall(transaction));
    expect(await status(session.publicKey)).toBe("revoked");
  });

  it("can end only itself, and only by that one call", async () => {
    const session = await newSession();
    const other = await newSession();
    const bounds = { resourceBounds: await generousResourceBounds(), tip: 0n };
    for (const calls of [
      [endSessionCall(other.publicKey)], // another session
      [endSessionCall(session.publicKey), increase()], // smuggling another call along
      [increase(), endSessionCall(session.publicKey)],
      [endSessionCall(session.publicKey, ["0x1"])], // extra calldata
      [{ contractAddress: account.address, entrypoint: "revoke_session_key", calldata: [session.publicKey] }], // the owner's entrypoint
    ]) {
      await refusedWithoutTrace(async () => session.signer.execute(calls, bounds), "SELF_CALL", session.publicKey);
    }
    expect(await status(session.publicKey)).toBe("active");
    expect(await status(other.publicKey)).toBe("active");
  });
});

// SNIP-9 V2 outside executions, built and relayed with starknet.js's own
// getOutsideTransaction / executeFromOutside, signed by the owner or by a session key.
import { type Account, type Call, num, outsideExecution, OutsideExecutionVersion, type OutsideTransaction, stark } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import {
  deploySessionAccount,
  type DeployedSessionAccount,
  executeAndWait,
  executeWithoutEstimate,
  expectReason,
  nonceOf,
  randomKeyPair,
  registerSession,
  sessionAccountContract,
  sessionData,
  sessionSignedAccount,
  outsideWindow,
} from "../helpers/account.ts";
import { fundedAccount, increaseBlockTime, latestBlockTime, rpcProvider } from "../helpers/devnet.ts";
import { counterValue, deployCounter } from "../helpers/fixtures.ts";
import { findReasonCode, type ReasonCode } from "../../sdk/reasons.ts";

let account: DeployedSessionAccount;
let relayer: Account;
let counter: string;
const increase = (amount = 1): Call => ({ contractAddress: counter, entrypoint: "increase", calldata: [amount] });
const decrease = (amount = 1): Call => ({ contractAddress: counter, entrypoint: "decrease", calldata: [amount] });


function outside(signer: Account, calls: Call[], options: { caller: string; execute_after: number; execute_before: number }, nonce = stark.randomAddress()) {
  return signer.getOutsideTransaction(options, calls, OutsideExecutionVersion.V2, nonce);
}

async function isNonceFree(nonce: string | number | bigint): Promise<boolean> {
  return (await sessionAccountContract(account.address).call("is_valid_outside_execution_nonce", [nonce])) as boolean;
}

async function newSession(entrypoints: string[] = ["increase"]) {
  const keys = randomKeyPair();
  const validUntil = (await latestBlockTime()) + 6 * 3_600;
  await registerSession(account, { publicKey: keys.publicKey, validUntil, maxCalls: 5, entrypoints });
  return { ...keys, validUntil, signer: sessionSignedAccount(account.address, keys.privateKey, validUntil) };
}

beforeAll(async () => {
  account = await deploySessionAccount();
  relayer = await fundedAccount(2);
  counter = await deployCounter(1_000);
});

describe("outside execution (SNIP-9 V2)", () => {
  it("runs an owner-signed execution relayed by another account, which pays the fee", async () => {
    const transaction = await outside(account.owner, [increase(3), decrease(1)], await outsideWindow());
    const before = await counterValue(counter);
    const accountNonce = await nonceOf(account.address);
    await executeAndWait(relayer, relay(transaction));
    expect(await counterValue(counter)).toBe(before + 2n);
    expect(await isNonceFree(transaction.outsideExecution.nonce)).toBe(false);
    expect(await nonceOf(account.address)).toBe(accountNonce); // the account sent no transaction
  });

  it("runs a session-signed execution, consuming one session call for the whole execution", async () => {
    const session = await newSession();
    const transaction = await outside(session.signer, [increase(1), increase(2)], await outsideWindow());
    expect(transaction.signature).toHaveLength(4);
    const before = await counterValue(counter);
    await relayer.executeFromOutside(transaction).then(({ transaction_hash }) => relayer.provider.waitForTransaction(transaction_hash));
    expect(await counterValue(counter)).toBe(before + 3n);
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(1n);
  });

  it("refuses a replayed nonce", async () => {
    const transaction = await outside(account.owner, [increase()], await outsideWindow());
    await executeAndWait(relayer, relay(transaction));
    const before = await counterValue(counter);
    await expectReason(relayer.executeFromOutside(transaction), "NONCE_USED");
    expect(await counterValue(counter)).toBe(before);
  });

  it("keeps 128 nonces to a word: neighbours stay unused, each is used once, and one signer's word is not another's", async () => {
    const word = BigInt(stark.randomAddress()) >> 10n;
    const nonce = (bit: bigint) => num.toHex(word * 128n + bit);
    const owned = await outside(account.owner, [increase()], await outsideWindow(), nonce(5n));
    await executeAndWait(relayer, relay(owned));
    expect(await isNonceFree(nonce(5n))).toBe(false);
    for (const bit of [0n, 4n, 6n, 127n]) expect(await isNonceFree(nonce(bit))).toBe(true);
    expect(await isNonceFree(num.toHex((word + 1n) * 128n + 5n))).toBe(true);
    // The neighbour runs (the same cell, now two bits); the first cannot run again.
    const neighbour = await outside(account.owner, [increase()], await outsideWindow(), nonce(6n));
    await executeAndWait(relayer, relay(neighbour));
    expect(await isNonceFree(nonce(6n))).toBe(false);
    const before = await counterValue(counter);
    await expectReason(relayer.executeFromOutside(owned), "NONCE_USED");
    await expectReason(relayer.executeFromOutside(neighbour), "NONCE_USED");
    expect(await counterValue(counter)).toBe(before);
    // A session's word of the same index is its own: the owner's bit 5 is free for it.
    const session = await newSession();
    const sessionNonceFree = async (bit: bigint) => (await sessionAccountContract(account.address).call("is_valid_session_outside_execution_nonce", [session.publicKey, nonce(bit)])) as boolean;
    expect(await sessionNonceFree(5n)).toBe(true);
    await executeAndWait(relayer, relay(await outside(session.signer, [increase()], await outsideWindow(), nonce(5n))));
    expect(await sessionNonceFree(5n)).toBe(false);
    expect(await sessionNonceFree(6n)).toBe(true);
    expect(await counterValue(counter)).toBe(before + 1n);
  });

  it("refuses a caller other than the one named, and accepts the named one", async () => {
    const other = await fundedAccount(3);
    const transaction = await outside(account.owner, [increase()], { ...(await outsideWindow()), caller: other.address });
    const before = await counterValue(counter);
    await expectReason(relayer.executeFromOutside(transaction), "INVALID_CALLER");
    expect(await counterValue(counter)).toBe(before);
    expect(await isNonceFree(transaction.outsideExecution.nonce)).toBe(true);
    await executeAndWait(other, relay(transaction));
    expect(await counterValue(counter)).toBe(before + 1n);
  });

  it("refuses a window that has not opened or has closed", async () => {
    const now = await latestBlockTime();
    const early = await outside(account.owner, [increase()], { caller: "ANY_CALLER", execute_after: now + 600, execute_before: now + 1_200 });
    const late = await outside(account.owner, [increase()], { caller: "ANY_CALLER", execute_after: now - 1_200, execute_before: now - 600 });
    const before = await counterValue(counter);
    await expectReason(relayer.executeFromOutside(early), "TOO_EARLY");
    await expectReason(relayer.executeFromOutside(late), "TOO_LATE");
    expect(await counterValue(counter)).toBe(before);
    expect(await isNonceFree(early.outsideExecution.nonce)).toBe(true);
  });

  it("holds both window edges exactly: execute_after < now < execute_before", async () => {
    // Devnet fixes the time a transaction sees when it opens a block; the Counter reports
    // it from the pre-confirmed block, so each edge is hit to the second. The relayer sends
    // without fee estimation, and a refused execution is the relayer's reverted transaction.
    const executionTime = async () => {
      await increaseBlockTime(1_000);
      const [now] = await rpcProvider().callContract({ contractAddress: counter, entrypoint: "block_time" }, "pre_confirmed");
      return Number(now);
    };
    const relayAt = async (window: (now: number) => { execute_after: number; execute_before: number }) => {
      const now = await executionTime();
      const transaction = await outside(account.owner, [increase()], { caller: "ANY_CALLER", ...window(now) });
      const receipt = await executeWithoutEstimate(relayer, relay(transaction));
      return { receipt, nonce: transaction.outsideExecution.nonce };
    };
    const before = await counterValue(counter);

    const early = await relayAt((now) => ({ execute_after: now, execute_before: now + 100 }));
    expect(early.receipt.isReverted()).toBe(true);
    expect(findReasonCode(JSON.stringify(early.receipt.value))).toBe("TOO_EARLY");
    expect(await isNonceFree(early.nonce)).toBe(true);

    const late = await relayAt((now) => ({ execute_after: now - 100, execute_before: now }));
    expect(late.receipt.isReverted()).toBe(true);
    expect(findReasonCode(JSON.stringify(late.receipt.value))).toBe("TOO_LATE");
    expect(await isNonceFree(late.nonce)).toBe(true);
    expect(await counterValue(counter)).toBe(before);

    const inside = await relayAt((now) => ({ execute_after: now - 1, execute_before: now + 1 }));
    expect(inside.receipt.isSuccess()).toBe(true);
    expect(await counterValue(counter)).toBe(before + 1n);
    expect(await isNonceFree(inside.nonce)).toBe(false);
  });

  it("applies the session whitelist, self-call block and blocklist to the outside calls", async () => {
    const session = await newSession(["increase"]);
    const before = await counterValue(counter);
    const selfCall: Call = { contractAddress: account.address, entrypoint: "get_public_key", calldata: [] };
    const cases: [Call[], ReasonCode][] = [
      [[decrease()], "ENTRYPOINT_NOT_ALLOWED"],
      [[increase(), decrease()], "ENTRYPOINT_NOT_ALLOWED"],
      [[selfCall], "SELF_CALL"],
      [[{ contractAddress: counter, entrypoint: "upgrade", calldata: [] }], "BLOCKED_SELECTOR"],
    ];
    for (const [calls, reason] of cases) {
      const transaction = await outside(session.signer, calls, await outsideWindow());
      await expectReason(relayer.executeFromOutside(transaction), reason);
    }
    expect(await counterValue(counter)).toBe(before);
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(0n);
  });

  it("refuses a session-signed execution once max_calls is used up", async () => {
    const keys = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 6 * 3_600;
    await registerSession(account, { publicKey: keys.publicKey, validUntil, maxCalls: 1, entrypoints: ["increase"] });
    const signer = sessionSignedAccount(account.address, keys.privateKey, validUntil);
    await executeAndWait(relayer, relay(await outside(signer, [increase()], await outsideWindow())));
    const second = await outside(signer, [increase()], await outsideWindow());
    await expectReason(relayer.executeFromOutside(second), "MAX_CALLS_EXCEEDED");
    expect((await sessionData(account.address, keys.publicKey)).callsUsed).toBe(1n);
    expect(await sessionAccountContract(account.address).call("is_valid_session_outside_execution_nonce", [keys.publicKey, second.outsideExecution.nonce])).toBe(true);
  });

  it("refuses a signature by a key that is neither the owner nor a session", async () => {
    const intruder = sessionSignedAccount(account.address, randomKeyPair().privateKey, (await latestBlockTime()) + 3_600);
    await expectReason(relayer.executeFromOutside(await outside(intruder, [increase()], await outsideWindow())), "NOT_REGISTERED");
    const session = await newSession();
    const transaction = await outside(session.signer, [increase()], await outsideWindow());
    // Swap the calls after signing: the SNIP-12 hash no longer matches.
    const tampered: OutsideTransaction = { ...transaction, outsideExecution: { ...transaction.outsideExecution, calls: [{ ...transaction.outsideExecution.calls[0]!, calldata: ["0x64"] }] } };
    await expectReason(relayer.executeFromOutside(tampered), "INVALID_SIGNATURE");
  });

  it("refuses re-entering execute_from_outside_v2 from inside an outside execution", async () => {
    const inner = await outside(account.owner, [increase()], await outsideWindow());
    const [innerCall] = relay(inner);
    const outer = await outside(account.owner, [innerCall!], await outsideWindow());
    const before = await counterValue(counter);
    await expectReason(relayer.executeFromOutside(outer), "REENTRANT_CALL");
    expect(await counterValue(counter)).toBe(before);
    expect(await isNonceFree(inner.outsideExecution.nonce)).toBe(true);
  });
});

/** The `execute_from_outside_v2` call a relayer submits, as starknet.js builds it. */
function relay(transaction: OutsideTransaction): Call[] {
  return outsideExecution.buildExecuteFromOutsideCall(transaction);
}

// An attacker holding a session key (or a forged one): every check of the session
// validation refuses with its own reason code, and nothing changes on chain.
import { type Account, type Call, hash, num, selector, shortString } from "starknet";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  deploySessionAccount,
  type DeployedSessionAccount,
  executeAndWait,
  executeWithoutEstimate,
  expectReason,
  generousResourceBounds,
  nonceOf,
  randomKeyPair,
  rawSignedAccount,
  registerSession,
  sessionAccountContract,
  sessionData,
  type SessionState,
  sessionSignedAccount,
  signHash,
} from "../helpers/account.ts";
import { latestBlockTime, rpcProvider, setBlockTime } from "../helpers/devnet.ts";
import { counterValue, deployCounter } from "../helpers/fixtures.ts";
import type { ReasonCode } from "../../sdk/reasons.ts";
import { BLOCKED_ENTRYPOINTS } from "../../sdk/utils/blocklist.ts";

let account: DeployedSessionAccount;
let counter: string;
const increase: () => Call = () => ({ contractAddress: counter, entrypoint: "increase", calldata: [1] });
const decrease: () => Call = () => ({ contractAddress: counter, entrypoint: "decrease", calldata: [1] });

interface Snapshot {
  session: SessionState;
  nonce: bigint;
  counter: bigint;
}

async function snapshot(sessionKey: string): Promise<Snapshot> {
  return { session: await sessionData(account.address, sessionKey), nonce: await nonceOf(account.address), counter: await counterValue(counter) };
}

/**
 * Sends with `sender` straight to the node (no fee estimation, which would run the calls
 * first), expects the account's validation to refuse with `reason`, and checks that
 * session, nonce and counter did not move.
 */
async function expectRefused(sender: Account, calls: Call[], reason: ReasonCode, sessionKey: string): Promise<void> {
  const before = await snapshot(sessionKey);
  await expectReason(sender.execute(calls, { resourceBounds: await generousResourceBounds(), tip: 0n }), reason);
  expect(await snapshot(sessionKey)).toEqual(before);
}

async function newSession(options: { maxCalls?: number; entrypoints?: string[]; lifetime?: number } = {}) {
  const keys = randomKeyPair();
  const validUntil = (await latestBlockTime()) + (options.lifetime ?? 6 * 3_600);
  await registerSession(account, { publicKey: keys.publicKey, validUntil, maxCalls: options.maxCalls ?? 10, entrypoints: options.entrypoints ?? ["increase"] });
  return { ...keys, validUntil, account: sessionSignedAccount(account.address, keys.privateKey, validUntil) };
}

beforeAll(async () => {
  account = await deploySessionAccount();
  counter = await deployCounter(1_000);
});

describe("session rejections", () => {
  let session: Awaited<ReturnType<typeof newSession>>;
  beforeEach(async () => {
    session = await newSession();
  });

  it("rejects a key that was never registered", async () => {
    const stranger = randomKeyPair();
    await expectRefused(sessionSignedAccount(account.address, stranger.privateKey, session.validUntil), [increase()], "NOT_REGISTERED", stranger.publicKey);
  });

  it("rejects a revoked session", async () => {
    await executeAndWait(account.owner, [{ contractAddress: account.address, entrypoint: "revoke_session_key", calldata: [session.publicKey] }]);
    await expectRefused(session.account, [increase()], "REVOKED", session.publicKey);
  });

  it("rejects a session of another account", async () => {
    const other = await deploySessionAccount();
    const foreign = randomKeyPair();
    await registerSession(other, { publicKey: foreign.publicKey, validUntil: session.validUntil, maxCalls: 10, entrypoints: [] });
    const before = await sessionData(other.address, foreign.publicKey);
    await expectRefused(sessionSignedAccount(account.address, foreign.privateKey, session.validUntil), [increase()], "NOT_REGISTERED", foreign.publicKey);
    expect(await sessionData(other.address, foreign.publicKey)).toEqual(before);
  });

  it("rejects a non-whitelisted selector, and a multicall with one forbidden call", async () => {
    await expectRefused(session.account, [decrease()], "ENTRYPOINT_NOT_ALLOWED", session.publicKey);
    await expectRefused(session.account, [increase(), decrease(), increase()], "ENTRYPOINT_NOT_ALLOWED", session.publicKey);
  });

  it("never takes selector 0 for a whitelist entry (it is the list's head)", async () => {
    // Calls as the account sees them: (to, selector 0, no calldata). starknet.js cannot sign a
    // raw selector, so the account's own dry run, the same routine validation runs, answers.
    const [reason] = await rpcProvider().callContract({ contractAddress: account.address, entrypoint: "session_status", calldata: [session.publicKey, "0x1", counter, "0x0", "0x0"] });
    expect(shortString.decodeShortString(reason ?? "0x0")).toBe("ENTRYPOINT_NOT_ALLOWED");
  });

  it("rejects each blocklisted selector, on any contract, even with an empty whitelist", async () => {
    const open = await newSession({ entrypoints: [] });
    for (const name of BLOCKED_ENTRYPOINTS) {
      await expectRefused(open.account, [{ contractAddress: counter, entrypoint: name, calldata: [] }], "BLOCKED_SELECTOR", open.publicKey);
    }
  });

  it("rejects any call to the account itself, whatever the selector or whitelist", async () => {
    const open = await newSession({ entrypoints: [] });
    const self = (entrypoint: string, calldata: string[] = []): Call => ({ contractAddress: account.address, entrypoint, calldata });
    await expectRefused(open.account, [self("get_public_key")], "SELF_CALL", open.publicKey);
    await expectRefused(open.account, [increase(), self("revoke_session_key", [open.publicKey])], "SELF_CALL", open.publicKey);
    // Whitelisting a selector does not open the account itself.
    const listed = await newSession({ entrypoints: ["get_public_key"] });
    await expectRefused(listed.account, [self("get_public_key")], "SELF_CALL", listed.publicKey);
  });

  it("rejects an expired session", async () => {
    const short = await newSession({ lifetime: 600 });
    // Far enough that even the hour-rounded time of __validate__ is past valid_until.
    await setBlockTime(short.validUntil + 2 * 3_600);
    await expectRefused(short.account, [increase()], "EXPIRED", short.publicKey);
  });

  it("re-checks the exact expiry in __execute__ for a session that expired minutes ago within the same hour", async () => {
    const now = await latestBlockTime();
    const hourStart = Math.ceil((now + 3_600) / 3_600) * 3_600;
    const keys = randomKeyPair();
    const validUntil = hourStart + 300;
    await registerSession(account, { publicKey: keys.publicKey, validUntil, maxCalls: 10, entrypoints: ["increase"] });
    const sessionAccount = sessionSignedAccount(account.address, keys.privateKey, validUntil);
    await setBlockTime(hourStart + 900); // 10 minutes after expiry; __validate__ sees hourStart
    const value = await counterValue(counter);

    const nonce = await nonceOf(account.address);

    const receipt = await executeWithoutEstimate(sessionAccount, [increase()]);
    expect(receipt.isReverted()).toBe(true);
    const reason = (receipt.value as { revert_reason?: string }).revert_reason ?? "";
    expect(reason).toMatch(/EXPIRED|0x45585049524544/);
    expect(await counterValue(counter)).toBe(value);
    // The calls did not run. What __validate__ did stays, as for any reverted transaction:
    // the fee was paid, the nonce and one session call were consumed.
    expect(await nonceOf(account.address)).toBe(nonce + 1n);
    expect((await sessionData(account.address, keys.publicKey)).callsUsed).toBe(1n);
  });

  it("rejects exhausted max_calls", async () => {
    const once = await newSession({ maxCalls: 2 });
    await executeAndWait(once.account, [increase()]);
    await executeAndWait(once.account, [increase()]);
    await expectRefused(once.account, [increase()], "MAX_CALLS_EXCEEDED", once.publicKey);
  });

  it("rejects a valid_until that differs from the registered one", async () => {
    const liar = sessionSignedAccount(account.address, session.privateKey, session.validUntil + 3_600);
    await expectRefused(liar, [increase()], "VALID_UNTIL_MISMATCH", session.publicKey);
    const earlier = sessionSignedAccount(account.address, session.privateKey, session.validUntil - 1);
    await expectRefused(earlier, [increase()], "VALID_UNTIL_MISMATCH", session.publicKey);
  });

  it("rejects valid_until >= 2^64 without an unrelated panic", async () => {
    for (const validUntil of [2n ** 64n, 2n ** 64n + BigInt(session.validUntil), 2n ** 250n]) {
      const sender = rawSignedAccount(account.address, (msgHash) => [session.publicKey, ...signHash(msgHash, session.privateKey), num.toHex(validUntil)]);
      await expectRefused(sender, [increase()], "BAD_SIGNATURE_FORMAT", session.publicKey);
    }
  });

  it("rejects signatures of length 0, 1, 3 and 5", async () => {
    const layouts: ((msgHash: string) => string[])[] = [
      () => [],
      (h) => [signHash(h, session.privateKey)[0]],
      (h) => [session.publicKey, ...signHash(h, session.privateKey)],
      (h) => [session.publicKey, ...signHash(h, session.privateKey), num.toHex(session.validUntil), "0x0"],
    ];
    for (const layout of layouts) {
      await expectRefused(rawSignedAccount(account.address, layout), [increase()], "BAD_SIGNATURE_FORMAT", session.publicKey);
    }
  });

  it("rejects a session signature made by another key", async () => {
    const thief = randomKeyPair();
    const forged = rawSignedAccount(account.address, (h) => [session.publicKey, ...signHash(h, thief.privateKey), num.toHex(session.validUntil)]);
    await expectRefused(forged, [increase()], "INVALID_SIGNATURE", session.publicKey);
    // ...and an owner-layout signature by a key that is not the owner.
    await expectRefused(rawSignedAccount(account.address, (h) => signHash(h, thief.privateKey)), [increase()], "INVALID_SIGNATURE", session.publicKey);
  });

  it("rejects a session signature over another transaction's hash", async () => {
    const replayed = rawSignedAccount(account.address, () => [session.publicKey, ...signHash(hash.getSelectorFromName("other"), session.privateKey), num.toHex(session.validUntil)]);
    await expectRefused(replayed, [increase()], "INVALID_SIGNATURE", session.publicKey);
  });

  it("is_valid_signature refuses a session signature", async () => {
    const message = selector.starknetKeccak("off-chain message");
    const [r, s] = signHash(num.toHex(message), session.privateKey);
    const contract = sessionAccountContract(account.address);
    expect(await contract.call("is_valid_signature", [num.toHex(message), [session.publicKey, r, s, num.toHex(session.validUntil)]])).toBe(0n);
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(0n);
  });
});

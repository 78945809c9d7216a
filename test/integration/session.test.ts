// Sessions doing what they were allowed to: registration, session-signed transactions
// with the 4-element signature, counters, views, update and revocation.
import { Contract, hash, num } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import { getSessionData } from "../../sdk/index.ts";
import { decodeReason } from "../../sdk/reasons.ts";
import {
  addSessionCall,
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
} from "../helpers/account.ts";
import { builtContract, latestBlockTime, rpcProvider } from "../helpers/devnet.ts";
import { counterValue, deployCounter, deployToken, tokenBalance } from "../helpers/fixtures.ts";

let account: DeployedSessionAccount;
let counter: string;
let token: string;

const increase = (amount: number) => ({ contractAddress: counter, entrypoint: "increase", calldata: [amount] });
const decrease = (amount: number) => ({ contractAddress: counter, entrypoint: "decrease", calldata: [amount] });

async function status(sessionKey: string, calls: { contractAddress: string; entrypoint: string; calldata: number[] }[]) {
  const contract = sessionAccountContract(account.address);
  const callsArg = calls.map((call) => ({ to: call.contractAddress, selector: hash.getSelectorFromName(call.entrypoint), calldata: call.calldata }));
  return decodeReason((await contract.call("session_status", [sessionKey, callsArg])) as bigint);
}

beforeAll(async () => {
  account = await deploySessionAccount();
  counter = await deployCounter(100);
  token = await deployToken();
  await executeAndWait(account.owner, [{ contractAddress: token, entrypoint: "mint", calldata: [account.address, 1_000_000, 0] }]);
});

describe("sessions", () => {
  it("registers a session, reflected by every view and the SessionKeyAdded event", async () => {
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3 * 3_600;
    const txHash = await executeAndWait(account.owner, [
      addSessionCall(account.address, { publicKey: session.publicKey, validUntil, maxCalls: 10, entrypoints: ["increase", hash.getSelectorFromName("decrease")] }),
    ]);

    expect(await sessionData(account.address, session.publicKey)).toEqual({ validUntil: BigInt(validUntil), maxCalls: 10n, callsUsed: 0n, entrypointsLength: 2n });
    const contract = sessionAccountContract(account.address);
    const entrypoints = (await contract.call("get_allowed_entrypoints", [session.publicKey])) as bigint[];
    expect(entrypoints.map((e) => num.toHex(e))).toEqual([hash.getSelectorFromName("increase"), hash.getSelectorFromName("decrease")]);
    expect(await contract.call("is_session_revoked", [session.publicKey])).toBe(false);
    expect(await status(session.publicKey, [increase(1)])).toBe("OK");

    const events = new Contract({ abi: builtContract("SessionAccount").sierra.abi, address: account.address, providerOrAccount: rpcProvider() }).parseEvents(
      await rpcProvider().getTransactionReceipt(txHash),
    );
    const added = events.map((event) => Object.entries(event).find(([name]) => name.endsWith("SessionKeyAdded"))?.[1]).find(Boolean) as Record<string, bigint> | undefined;
    expect(added).toEqual({ session_key: BigInt(session.publicKey), valid_until: BigInt(validUntil), max_calls: 10n, allowed_entrypoints_len: 2n });
  });

  it("sends session-signed transactions with [session_pubkey, r, s, valid_until]; calls_used moves once per transaction", async () => {
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3 * 3_600;
    await registerSession(account, { publicKey: session.publicKey, validUntil, maxCalls: 3, entrypoints: ["increase", "decrease"] });
    const sessionAccount = sessionSignedAccount(account.address, session.privateKey, validUntil);
    const before = await counterValue(counter);

    const txHash = await executeAndWait(sessionAccount, [increase(5)]);
    const tx = await rpcProvider().getTransactionByHash(txHash);
    const signature = (tx as { signature: string[] }).signature;
    expect(signature).toHaveLength(4);
    expect(BigInt(signature[0] ?? 0)).toBe(BigInt(session.publicKey));
    expect(BigInt(signature[3] ?? 0)).toBe(BigInt(validUntil));
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(1n);

    await executeAndWait(sessionAccount, [increase(1), increase(2), decrease(3)]);
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(2n);
    expect(await counterValue(counter)).toBe(before + 5n);
  });

  it("allows any non-admin selector on other contracts when the whitelist is empty", async () => {
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3_600 * 3;
    await registerSession(account, { publicKey: session.publicKey, validUntil, maxCalls: 2 });
    const recipient = randomKeyPair().publicKey;
    const sessionAccount = sessionSignedAccount(account.address, session.privateKey, validUntil);
    await executeAndWait(sessionAccount, [{ contractAddress: token, entrypoint: "transfer", calldata: [recipient, 250, 0] }, increase(1)]);
    expect(await tokenBalance(token, recipient)).toBe(250n);
    expect(await sessionData(account.address, session.publicKey)).toMatchObject({ callsUsed: 1n, entrypointsLength: 0n });
  });

  it("max_calls = 1 works exactly once", async () => {
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3_600 * 3;
    await registerSession(account, { publicKey: session.publicKey, validUntil, maxCalls: 1, entrypoints: ["increase"] });
    const sessionAccount = sessionSignedAccount(account.address, session.privateKey, validUntil);
    await executeAndWait(sessionAccount, [increase(1)]);
    const value = await counterValue(counter);
    const nonce = await nonceOf(account.address);
    expect(await status(session.publicKey, [increase(1)])).toBe("MAX_CALLS_EXCEEDED");
    await expectReason(sessionAccount.execute([increase(1)]), "MAX_CALLS_EXCEEDED");
    expect(await sessionData(account.address, session.publicKey)).toMatchObject({ callsUsed: 1n, maxCalls: 1n });
    expect(await counterValue(counter)).toBe(value);
    expect(await nonceOf(account.address)).toBe(nonce);
  });

  it("an update replaces the whole whitelist and resets calls_used", async () => {
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3_600 * 3;
    await registerSession(account, { publicKey: session.publicKey, validUntil, maxCalls: 5, entrypoints: ["increase", "decrease"] });
    const sessionAccount = sessionSignedAccount(account.address, session.privateKey, validUntil);
    await executeAndWait(sessionAccount, [decrease(1)]);
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(1n);

    await registerSession(account, { publicKey: session.publicKey, validUntil, maxCalls: 5, entrypoints: ["increase"] });
    expect(await sessionData(account.address, session.publicKey)).toEqual({ validUntil: BigInt(validUntil), maxCalls: 5n, callsUsed: 0n, entrypointsLength: 1n });
    const entrypoints = (await sessionAccountContract(account.address).call("get_allowed_entrypoints", [session.publicKey])) as bigint[];
    expect(entrypoints.map((e) => num.toHex(e))).toEqual([hash.getSelectorFromName("increase")]);

    const value = await counterValue(counter);
    const nonce = await nonceOf(account.address);
    expect(await status(session.publicKey, [decrease(1)])).toBe("ENTRYPOINT_NOT_ALLOWED");
    await expectReason(sessionAccount.execute([decrease(1)]), "ENTRYPOINT_NOT_ALLOWED");
    expect(await counterValue(counter)).toBe(value);
    expect(await nonceOf(account.address)).toBe(nonce);
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(0n);
    // Signatures are bound to the registration: the updated session signs as generation 2.
    await expectReason(sessionAccount.execute([increase(1)]), "INVALID_SIGNATURE");
    await executeAndWait(sessionSignedAccount(account.address, session.privateKey, validUntil, 2), [increase(1)]);
  });

  it("revocation clears the session and tells 'revoked' from 'never registered'; a key never registered can be revoked ahead", async () => {
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3_600 * 3;
    await registerSession(account, { publicKey: session.publicKey, validUntil, maxCalls: 5, entrypoints: ["increase"] });
    const sessionAccount = sessionSignedAccount(account.address, session.privateKey, validUntil);
    await executeAndWait(sessionAccount, [increase(1)]);
    await executeAndWait(account.owner, [{ contractAddress: account.address, entrypoint: "revoke_session_key", calldata: [session.publicKey] }]);

    const contract = sessionAccountContract(account.address);
    expect(await sessionData(account.address, session.publicKey)).toEqual({ validUntil: 0n, maxCalls: 0n, callsUsed: 0n, entrypointsLength: 0n });
    expect(await contract.call("get_allowed_entrypoints", [session.publicKey])).toEqual([]);
    expect(await contract.call("is_session_revoked", [session.publicKey])).toBe(true);
    expect(await status(session.publicKey, [increase(1)])).toBe("REVOKED");

    const never = randomKeyPair();
    expect(await contract.call("is_session_revoked", [never.publicKey])).toBe(false);
    expect(await status(never.publicKey, [increase(1)])).toBe("NOT_REGISTERED");

    // Revoking a revoked session is refused with the reason.
    await expectReason(account.owner.execute({ contractAddress: account.address, entrypoint: "revoke_session_key", calldata: [session.publicKey] }), "REVOKED");
    // A key never registered is revoked ahead of use (an owner's off-chain authorization of
    // it can then never register it), and reads as revoked from then on.
    await executeAndWait(account.owner, [{ contractAddress: account.address, entrypoint: "revoke_session_key", calldata: [never.publicKey] }]);
    expect(await contract.call("is_session_revoked", [never.publicKey])).toBe(true);
    expect(await status(never.publicKey, [increase(1)])).toBe("REVOKED");
    await expectReason(account.owner.execute({ contractAddress: account.address, entrypoint: "revoke_session_key", calldata: [never.publicKey] }), "REVOKED");
  });

  it("keeps a whitelist in the order given, whatever its length and order", async () => {
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3_600;
    const contract = sessionAccountContract(account.address);
    for (const entrypoints of [
      ["0x9", "0x2", "0x5", "0x7", "increase", "0x6", "0x1"],
      ["0x1", "0x2", "0x3", "0x4", "0x5", "0x6", "0x7", "0x8"],
      ["0x5", "increase", "0x3"],
    ]) {
      await registerSession(account, { publicKey: session.publicKey, validUntil, maxCalls: 5, entrypoints });
      const stored = (await contract.call("get_allowed_entrypoints", [session.publicKey])) as bigint[];
      expect(stored.map((e) => num.toHex(e))).toEqual(entrypoints.map((e) => (e.startsWith("0x") ? e : hash.getSelectorFromName(e))));
      expect(await status(session.publicKey, [increase(1)])).toBe(entrypoints.includes("increase") ? "OK" : "ENTRYPOINT_NOT_ALLOWED");
    }
  });

  it("refuses registrations that could never work", async () => {
    const session = randomKeyPair();
    const now = await latestBlockTime();
    const register = (overrides: Partial<{ publicKey: string; validUntil: number; maxCalls: number; entrypoints: string[] }>) =>
      account.owner.execute(addSessionCall(account.address, { publicKey: session.publicKey, validUntil: now + 3_600, maxCalls: 1, ...overrides }));
    await expectReason(register({ publicKey: "0x0" }), "INVALID_SESSION_KEY");
    await expectReason(register({ maxCalls: 0 }), "INVALID_SESSION");
    await expectReason(register({ validUntil: now - 10 }), "INVALID_SESSION");
    // A repeated entry (in any order) would corrupt the one-cell-per-entry list.
    await expectReason(register({ entrypoints: ["increase", "decrease", "increase"] }), "INVALID_SESSION");
    await expectReason(register({ entrypoints: ["0x0"] }), "INVALID_SESSION");
    // A repeat right after a decrease: the previous entry's cell is not written yet.
    await expectReason(register({ entrypoints: ["0x7", "0x3", "0x3"] }), "INVALID_SESSION");
    // A repeat right after an increase, and 0 after a selector or first.
    await expectReason(register({ entrypoints: ["0x3", "0x3"] }), "INVALID_SESSION");
    await expectReason(register({ entrypoints: ["0x3", "0x0"] }), "INVALID_SESSION");
    await expectReason(register({ entrypoints: ["0x0", "0x3"] }), "INVALID_SESSION");
    // Past the first four entries (registration takes them four at a time), in either order.
    await expectReason(register({ entrypoints: ["0x1", "0x2", "0x3", "0x4", "0x5", "0x3"] }), "INVALID_SESSION");
    await expectReason(register({ entrypoints: ["0x9", "0x2", "0x5", "0x7", "0x8", "0x6", "0x8"] }), "INVALID_SESSION");
    await expectReason(register({ entrypoints: ["0x9", "0x2", "0x5", "upgrade", "0x2"] }), "INVALID_SESSION");
    expect(await sessionData(account.address, session.publicKey)).toEqual({ validUntil: 0n, maxCalls: 0n, callsUsed: 0n, entrypointsLength: 0n });
  });

  it("stores any felt as a selector, up to p - 1, and walks the list back in the order given", async () => {
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3_600;
    const pMinusOne = "0x800000000000011000000000000000000000000000000000000000000000000";
    // Raw calldata: the SDK only builds selectors below 2^251.
    await executeAndWait(account.owner, [
      { contractAddress: account.address, entrypoint: "add_or_update_session_key", calldata: [session.publicKey, num.toHex(validUntil), "0x5", "0x4", "0x1", "0x2", pMinusOne, "0x3"] },
    ]);
    const stored = (await sessionAccountContract(account.address).call("get_allowed_entrypoints", [session.publicKey])) as bigint[];
    expect(stored.map((e) => num.toHex(e))).toEqual(["0x1", "0x2", pMinusOne, "0x3"]);
  });

  it("accepts a whitelist naming an admin selector, as the SNIP does, and the session still never calls it", async () => {
    // The account does not check each entry against the blocklist (that would make every
    // registration cost more); validation refuses the selector at every call, and the SDK's
    // builders refuse to name it (test/unit/blocklist.test.ts).
    const session = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3_600;
    await registerSession(account, { publicKey: session.publicKey, validUntil, maxCalls: 5, entrypoints: ["increase", "upgrade"] });
    expect(await status(session.publicKey, [{ contractAddress: counter, entrypoint: "upgrade", calldata: [1] }])).toBe("BLOCKED_SELECTOR");
    // The SDK's view tells the dead entry apart.
    const data = await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey });
    expect(data.blockedEntrypoints).toEqual([hash.getSelectorFromName("upgrade")]);
    expect(data.allowedEntrypoints).toContain(hash.getSelectorFromName("increase"));
    const signer = sessionSignedAccount(account.address, session.privateKey, validUntil);
    const [nonce, counterBefore] = [await nonceOf(account.address), await counterValue(counter)];
    // Explicit bounds: a fee estimate skips validation, where the refusal happens.
    const details = { resourceBounds: await generousResourceBounds(), tip: 0n };
    await expectReason(signer.execute([{ contractAddress: counter, entrypoint: "upgrade", calldata: [1] }], details), "BLOCKED_SELECTOR");
    await expectReason(signer.execute([increase(1), { contractAddress: counter, entrypoint: "upgrade", calldata: [1] }], details), "BLOCKED_SELECTOR");
    expect(await nonceOf(account.address)).toBe(nonce);
    expect(await counterValue(counter)).toBe(counterBefore);
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(0n);
  });
});

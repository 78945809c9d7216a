// The whole session flow driven through the SDK alone, on devnet.
import { type Call, ec, hash, num } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addSessionKeyToContract,
  assertSessionSupport,
  createSessionKey,
  decryptPrivateKey,
  executeTransactionWithSession,
  getOutsideExecutionCall,
  getOutsideExecutionTypedData,
  getSessionData,
  getSessionStatus,
  prepareSessionCalls,
  revokeSessionKey,
  sendPreparedCalls,
  type SessionError,
} from "../../sdk/index.ts";
import { deploySessionAccount, type DeployedSessionAccount, executeAndWait, nonceOf } from "../helpers/account.ts";
import { fundedAccount, increaseBlockTime, latestBlockTime, rpcProvider } from "../helpers/devnet.ts";
import { counterValue, deployCounter } from "../helpers/fixtures.ts";

let account: DeployedSessionAccount;
let counter: string;
const increase = (amount = 1): Call => ({ contractAddress: counter, entrypoint: "increase", calldata: [amount] });
const decrease = (amount = 1): Call => ({ contractAddress: counter, entrypoint: "decrease", calldata: [amount] });

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: SessionError) => error.code,
  );
}

async function newSession(options: { maxCalls?: number; entrypoints?: string[] } = {}) {
  const created = await createSessionKey({ encryptKey: "8642-session-pass", durationSeconds: 6 * 3_600, now: await latestBlockTime() });
  await addSessionKeyToContract({ account: account.owner, sessionPublicKey: created.publicKey, validUntil: created.validUntil, maxCalls: options.maxCalls ?? 5, allowedEntrypoints: options.entrypoints ?? ["increase"] });
  return { ...created, session: { encryptedPrivateKey: created.encryptedPrivateKey, encryptKey: "8642-session-pass", validUntil: created.validUntil } };
}

beforeAll(async () => {
  account = await deploySessionAccount();
  counter = await deployCounter(100);
});

describe("SDK on devnet", () => {
  it("creates, registers, uses and reads a session", async () => {
    const { publicKey, validUntil, session } = await newSession({ maxCalls: 3 });
    const before = await counterValue(counter);
    const sent = await executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase(2), increase(3)] });
    expect(sent.fee).toBeGreaterThan(0n);
    expect(await counterValue(counter)).toBe(before + 5n);
    expect(await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: publicKey })).toEqual({
      isActive: true,
      status: "active",
      validUntil,
      maxCalls: 3,
      callsUsed: 1,
      remainingCalls: 2,
      allowedEntrypoints: [hash.getSelectorFromName("increase")],
      generation: 1,
      maxFeePerTx: 10n ** 18n,
    });
  });

  it("refuses a forbidden call before sending, with its code, and nothing moves", async () => {
    const { publicKey, session } = await newSession();
    const nonce = await nonceOf(account.address);
    expect(await getSessionStatus({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: publicKey, calls: [decrease()] })).toBe("ENTRYPOINT_NOT_ALLOWED");
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [decrease()] }))).toBe("SESSION_ENTRYPOINT_NOT_ALLOWED");
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [{ contractAddress: account.address, entrypoint: "get_public_key", calldata: [] }] }))).toBe("SESSION_SELF_CALL_FORBIDDEN");
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session: { ...session, encryptKey: "0000" }, calls: [increase()] }))).toBe("SESSION_DECRYPTION_FAILED");
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session: { ...session, validUntil: session.validUntil + 1 }, calls: [increase()] }))).toBe("SESSION_VALID_UNTIL_MISMATCH");
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [] }))).toBe("INVALID_INPUT");
    expect(await nonceOf(account.address)).toBe(nonce);
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: publicKey })).callsUsed).toBe(0);
  });

  it("reports exhausted and expired sessions, and refuses them before sending", async () => {
    const { publicKey, session } = await newSession({ maxCalls: 1 });
    await executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase()] });
    expect(await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: publicKey })).toMatchObject({ isActive: false, status: "exhausted", remainingCalls: 0 });
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase()] }))).toBe("SESSION_MAX_CALLS_EXCEEDED");

    const short = await newSession();
    await increaseBlockTime(7 * 3_600);
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: short.publicKey })).status).toBe("expired");
    const nonce = await nonceOf(account.address);
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session: short.session, calls: [increase()] }))).toBe("SESSION_EXPIRED");
    expect(await nonceOf(account.address)).toBe(nonce);
  });

  it("builds a session-signed outside execution that another account relays and pays for", async () => {
    const { publicKey, session } = await newSession();
    const relayer = await fundedAccount(4);
    const built = await getOutsideExecutionTypedData({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase(7)] });
    expect(built.signature).toHaveLength(4);
    expect(BigInt(built.signature?.[0] ?? 0)).toBe(BigInt(publicKey));
    const call = await getOutsideExecutionCall({ accountAddress: account.address, outsideExecution: built.outsideExecution, signature: built.signature ?? [] });
    const before = await counterValue(counter);
    const accountNonce = await nonceOf(account.address);
    await executeAndWait(relayer, [call]);
    expect(await counterValue(counter)).toBe(before + 7n);
    expect(await nonceOf(account.address)).toBe(accountNonce);
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: publicKey })).callsUsed).toBe(1);
    // The same nonce cannot be built again.
    expect(await codeOf(getOutsideExecutionTypedData({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase()], nonce: num.toHex(built.outsideExecution.nonce) }))).toBe("OUTSIDE_EXECUTION_NONCE_USED");
  });

  it("signs in two steps for keys held elsewhere: prepare, sign the hash, send", async () => {
    const { publicKey, validUntil, encryptedPrivateKey } = await newSession();
    const prepared = await prepareSessionCalls({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: publicKey, validUntil, calls: [increase(4)] });
    // "Elsewhere": an enclave holding the key signs exactly prepared.messageHash.
    const privateKey = await decryptPrivateKey(encryptedPrivateKey, "8642-session-pass");
    const { r, s } = ec.starkCurve.sign(prepared.messageHash, privateKey);
    const before = await counterValue(counter);
    const sent = await sendPreparedCalls({ provider: rpcProvider(), prepared, signature: { r, s } });
    expect(BigInt(sent.transactionHash)).toBe(BigInt(prepared.transactionHash));
    expect(await counterValue(counter)).toBe(before + 4n);
    // A signature of anything else is refused by the account.
    const again = await prepareSessionCalls({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: publicKey, validUntil, calls: [increase(1)] });
    expect(await codeOf(sendPreparedCalls({ provider: rpcProvider(), prepared: again, signature: { r, s } }))).toBe("SESSION_INVALID_SIGNATURE");
  });

  it("revokes, after which sends fail with SESSION_REVOKED; unknown keys are SESSION_NOT_REGISTERED", async () => {
    const { publicKey, session } = await newSession();
    await revokeSessionKey({ account: account.owner, sessionPublicKey: publicKey });
    expect(await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: publicKey })).toMatchObject({ isActive: false, status: "revoked", validUntil: 0 });
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase()] }))).toBe("SESSION_REVOKED");
    expect(await codeOf(revokeSessionKey({ account: account.owner, sessionPublicKey: publicKey }))).toBe("SESSION_REVOKED");
    const stranger = await createSessionKey({ encryptKey: "a long passphrase", now: await latestBlockTime() });
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: stranger.publicKey })).status).toBe("not_registered");
  });

  it("refuses an account that does not report the session interface", async () => {
    const openZeppelin = await fundedAccount(5);
    expect(await codeOf(assertSessionSupport({ provider: rpcProvider(), accountAddress: openZeppelin.address }))).toBe("SESSION_NOT_SUPPORTED");
    expect(await codeOf(addSessionKeyToContract({ account: openZeppelin, sessionPublicKey: ec.starkCurve.getStarkKey("0x5"), validUntil: 2_000_000_000, maxCalls: 1, allowedEntrypoints: [], allowAnyEntrypoint: true }))).toBe("SESSION_NOT_SUPPORTED");
  });

  it("checks inputs before touching the chain", async () => {
    const base = { account: account.owner, sessionPublicKey: ec.starkCurve.getStarkKey("0x5"), validUntil: 2_000_000_000, maxCalls: 1, allowedEntrypoints: ["increase"] };
    expect(await codeOf(addSessionKeyToContract({ ...base, sessionPublicKey: "0xnope" }))).toBe("INVALID_INPUT");
    expect(await codeOf(addSessionKeyToContract({ ...base, sessionPublicKey: "0x5" }))).toBe("SESSION_INVALID_KEY"); // off the curve
    expect(await codeOf(addSessionKeyToContract({ ...base, sessionPublicKey: account.ownerPublicKey }))).toBe("SESSION_INVALID_KEY");
    expect(await codeOf(addSessionKeyToContract({ ...base, maxCalls: 0 }))).toBe("INVALID_INPUT");
    expect(await codeOf(addSessionKeyToContract({ ...base, allowedEntrypoints: ["not an entrypoint"] }))).toBe("INVALID_INPUT");
    // "Everything" is a choice, never a default.
    expect(await codeOf(addSessionKeyToContract({ ...base, allowedEntrypoints: [] }))).toBe("INVALID_INPUT");
    expect(await codeOf(addSessionKeyToContract({ ...base, allowedEntrypoints: undefined, policy: { maxFeePerTx: 10n ** 16n } }))).toBe("INVALID_INPUT");
  });
});

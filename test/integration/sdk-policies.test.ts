// Policy sessions through the SDK alone, as a dApp uses them: register with a method
// policy kept beside the session, then direct sends, outside executions and split signing
// attach the proofs by themselves; listing shows every session's state.
import { type Call, CallData, ec } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import {
  addSessionKeyToContract,
  createSessionKey,
  decryptPrivateKey,
  endSession,
  executeTransactionWithSession,
  getOutsideExecutionCall,
  getSessionData,
  getSessionStatus,
  getSetSpendingPolicyCall,
  getSpendingPolicy,
  listSessions,
  prepareSessionCalls,
  revokeSessionKey,
  sendPreparedCalls,
} from "../../sdk/index.ts";
import { codeOf, deploySessionAccount, type DeployedSessionAccount, executeAndWait } from "../helpers/account.ts";
import { fundedAccount, latestBlockTime, rpcProvider } from "../helpers/devnet.ts";
import { counterValue, deployCounter, deployToken, tokenBalance } from "../helpers/fixtures.ts";

const PASSPHRASE = "policy passphrase";
let account: DeployedSessionAccount;
let counter: string;
let otherCounter: string;
let token: string;
const increase = (to = counter): Call => ({ contractAddress: to, entrypoint: "increase", calldata: [1] });


async function policySession(methods = [{ contractAddress: counter, entrypoint: "increase" }]) {
  const key = await createSessionKey({ encryptKey: PASSPHRASE, durationSeconds: 6 * 3_600, now: await latestBlockTime() });
  const registered = await addSessionKeyToContract({ account: account.owner, sessionPublicKey: key.publicKey, validUntil: key.validUntil, maxCalls: 10, policy: { methods, rateLimit: { maxTransactions: 50, periodSeconds: 3_600 } } });
  const session = { encryptedPrivateKey: key.encryptedPrivateKey, encryptKey: PASSPHRASE, validUntil: key.validUntil, methodPolicy: registered.methodPolicy!.serialize() };
  return { key, session, registered };
}

beforeAll(async () => {
  account = await deploySessionAccount();
  counter = await deployCounter(0);
  otherCounter = await deployCounter(0);
  token = await deployToken();
  await executeAndWait(await fundedAccount(0), [{ contractAddress: token, entrypoint: "mint", calldata: CallData.compile({ recipient: account.address, amount: { low: 1_000n, high: 0n } }) }]);
});

describe("policy sessions through the SDK", () => {
  it("registers with a method policy and sends with its proofs attached", async () => {
    const { key, session } = await policySession();
    const before = await counterValue(counter);
    await executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase(), increase()] });
    expect(await counterValue(counter)).toBe(before + 2n);
    const data = await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: key.publicKey });
    expect(data.policy).toMatchObject({ methodsRoot: expect.stringMatching(/^0x[1-9a-f]/), rateLimit: { maxTransactions: 50, periodSeconds: 3_600, usedInWindow: 1 } });
  });

  it("refuses before signing a call outside the policy, or a session sent without its policy", async () => {
    const { session } = await policySession();
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase(otherCounter)] }))).toBe("SESSION_METHOD_NOT_ALLOWED");
    const { methodPolicy: _dropped, ...withoutPolicy } = session;
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session: withoutPolicy, calls: [increase()] }))).toBe("SESSION_POLICY_PROOF_MISSING");
  });

  it("attaches the proofs to outside executions and split signing too", async () => {
    const { key, session } = await policySession();
    const relayer = await fundedAccount(2);
    const before = await counterValue(counter);
    await executeAndWait(relayer, [await getOutsideExecutionCall({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase()] })]);
    const prepared = await prepareSessionCalls({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: key.publicKey, validUntil: key.validUntil, calls: [increase()], methodPolicy: session.methodPolicy });
    const { r, s } = ec.starkCurve.sign(prepared.messageHash, await decryptPrivateKey(key.encryptedPrivateKey, PASSPHRASE));
    await sendPreparedCalls({ provider: rpcProvider(), prepared, signature: { r, s } });
    expect(await counterValue(counter)).toBe(before + 2n);
  });

  it("reports a spending limit's refusal with its code and the policy's use", async () => {
    const { key, session } = await policySession([{ contractAddress: token, entrypoint: "transfer" }]);
    await executeAndWait(account.owner, [getSetSpendingPolicyCall({ accountAddress: account.address, sessionPublicKey: key.publicKey, token, maxPerCall: 100n, maxPerWindow: 150n, windowSeconds: 86_400 })]);
    const pay = (amount: bigint): Call => ({ contractAddress: token, entrypoint: "transfer", calldata: CallData.compile({ to: "0x777", amount: { low: amount, high: 0n } }) });
    await executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [pay(100n)] });
    expect(await getSpendingPolicy({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: key.publicKey, token })).toMatchObject({ isSet: true, maxPerWindow: 150n, spentInWindow: 100n });
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [pay(60n)] }))).toBe("SESSION_SPENDING_LIMIT_EXCEEDED");
    expect(await tokenBalance(token, "0x777")).toBe(100n);
  });

  it("the dry run and getSessionData tell a session that has not started yet, and the send is refused before signing", async () => {
    const key = await createSessionKey({ encryptKey: PASSPHRASE, durationSeconds: 6 * 3_600, now: await latestBlockTime() });
    const validAfter = (await latestBlockTime()) + 3 * 3_600;
    const registered = await addSessionKeyToContract({ account: account.owner, sessionPublicKey: key.publicKey, validUntil: key.validUntil, maxCalls: 5, policy: { methods: [{ contractAddress: counter, entrypoint: "increase" }], validAfter } });
    const session = { encryptedPrivateKey: key.encryptedPrivateKey, encryptKey: PASSPHRASE, validUntil: key.validUntil, methodPolicy: registered.methodPolicy! };
    expect(await getSessionStatus({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: key.publicKey, calls: [increase()] })).toBe("NOT_YET_VALID");
    expect(await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: key.publicKey })).toMatchObject({ status: "not_yet_valid", isActive: false, policy: { validAfter } });
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase()] }))).toBe("SESSION_NOT_YET_VALID");
  });

  it("the dry run tells a rate-limited session", async () => {
    const key = await createSessionKey({ encryptKey: PASSPHRASE, durationSeconds: 6 * 3_600, now: await latestBlockTime() });
    const registered = await addSessionKeyToContract({ account: account.owner, sessionPublicKey: key.publicKey, validUntil: key.validUntil, maxCalls: 5, policy: { methods: [{ contractAddress: counter, entrypoint: "increase" }], rateLimit: { maxTransactions: 1, periodSeconds: 3_600 } } });
    const session = { encryptedPrivateKey: key.encryptedPrivateKey, encryptKey: PASSPHRASE, validUntil: key.validUntil, methodPolicy: registered.methodPolicy! };
    await executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase()] });
    expect(await getSessionStatus({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: key.publicKey, calls: [increase()] })).toBe("RATE_LIMITED");
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session, calls: [increase()] }))).toBe("SESSION_RATE_LIMITED");
  });

  it("a policy session can end itself, though end_session is not one of its methods", async () => {
    const { key, session } = await policySession();
    await endSession({ provider: rpcProvider(), accountAddress: account.address, session });
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: key.publicKey })).status).toBe("revoked");
  });

  it("lists every session with its state, revoked ones told apart", async () => {
    const fresh = await deploySessionAccount();
    const keys = await Promise.all([0, 1, 2].map(async () => createSessionKey({ encryptKey: PASSPHRASE, durationSeconds: 3_600, now: await latestBlockTime() })));
    for (const key of keys) await addSessionKeyToContract({ account: fresh.owner, sessionPublicKey: key.publicKey, validUntil: key.validUntil, maxCalls: 3, allowedEntrypoints: ["increase"] });
    await revokeSessionKey({ account: fresh.owner, sessionPublicKey: keys[1]!.publicKey });
    const listed = await listSessions({ provider: rpcProvider(), accountAddress: fresh.address });
    expect(listed.total).toBe(3);
    expect(listed.sessions.map((session) => [BigInt(session.sessionPublicKey), session.status])).toEqual(keys.map((key, i) => [BigInt(key.publicKey), i === 1 ? "revoked" : "active"]));
    const page = await listSessions({ provider: rpcProvider(), accountAddress: fresh.address, offset: 2, limit: 5 });
    expect(page.sessions).toHaveLength(1);
  });
});

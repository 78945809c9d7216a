// Sessions the owner authorizes off-chain (a signed SNIP-12 `Session`): the first use
// registers them, directly or through an outside execution, and from then on they are
// ordinary policy sessions. Every refusal is tried as the holder of the session key would
// try it (any fee, its own tooling) and leaves no trace: no record, no counter, no nonce.
import { Account, type Call, CallData, constants, ec, hash, num, stark, typedData } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import {
  authorizeSession,
  encodeSessionAuthorization,
  executeTransactionWithSession,
  getOutsideExecutionCall,
  getOutsideExecutionTypedData,
  getSessionData,
  prepareSessionCalls,
  revokeAllSessions,
  revokeSessionKey,
  SESSION_AUTHORIZATION_MAGIC,
  type SessionAuthorization,
  sessionAuthorizationHash,
  sessionAuthorizationTypedData,
  type SessionTerms,
  sendPreparedCalls,
  serializeSessionAuthorization,
} from "../../sdk/index.ts";
import { buildMethodPolicy, type MethodPolicy, type MethodPolicyEntry, methodPolicyProver } from "../../sdk/policies/methods.ts";
import { getAddSessionWithPolicyCall, getSetSpendingPolicyCall } from "../../sdk/builders/sessionCalls.ts";
import { SessionSigner } from "../../sdk/signers/sessionSigner.ts";
import type { ReasonCode } from "../../sdk/reasons.ts";
import { deploySessionAccount as deployAccount } from "../../scripts/lib/deploy-account.ts";
import {
  codeOf,
  DEVNET_CHAIN_ID,
  deploySessionAccount,
  type DeployedSessionAccount,
  executeAndWait,
  executeWithoutEstimate,
  expectReason,
  generousResourceBounds,
  nonceOf,
  randomKeyPair,
  sessionAccountContract,
  sessionData,
} from "../helpers/account.ts";
import { devnetProvider, fundedAccount, latestBlockTime, rpcProvider } from "../helpers/devnet.ts";
import { counterValue, deployCounter, deployToken, tokenBalance } from "../helpers/fixtures.ts";

let account: DeployedSessionAccount;
/** A second account of the same owner key: only the account address in the hash tells them apart. */
let twin: DeployedSessionAccount;
let counter: string;
let token: string;
const merchant = "0x4d455243";

const increase = (): Call => ({ contractAddress: counter, entrypoint: "increase", calldata: [1] });
const decrease = (): Call => ({ contractAddress: counter, entrypoint: "decrease", calldata: [1] });
const transfer = (amount: bigint): Call => ({ contractAddress: token, entrypoint: "transfer", calldata: CallData.compile({ to: merchant, amount: { low: amount, high: 0n } }) });
const methods = (): MethodPolicyEntry[] => [
  { contractAddress: counter, entrypoint: "increase" },
  { contractAddress: token, entrypoint: "transfer" },
];

type Overrides = Partial<{ maxCalls: number; validAfter: number; maxFeePerTx: bigint; feeBudget: bigint; rateLimit: { maxTransactions: number; periodSeconds: number }; spending: { maxPerCall: bigint; maxPerWindow: bigint }; on: DeployedSessionAccount }>;

/** A fresh key and the owner's authorization of it (SDK: authorizeSession, signed with the owner's account). */
async function authorized(overrides: Overrides = {}) {
  const on = overrides.on ?? account;
  const keys = randomKeyPair();
  const validUntil = (await latestBlockTime()) + 12 * 3_600;
  const built = await authorizeSession({
    provider: rpcProvider(),
    accountAddress: on.address,
    sessionPublicKey: keys.publicKey,
    validUntil,
    maxCalls: overrides.maxCalls ?? 20,
    policy: {
      methods: methods(),
      ...(overrides.validAfter === undefined ? {} : { validAfter: overrides.validAfter }),
      ...(overrides.maxFeePerTx === undefined ? {} : { maxFeePerTx: overrides.maxFeePerTx }),
      ...(overrides.feeBudget === undefined ? {} : { feeBudget: overrides.feeBudget }),
      ...(overrides.rateLimit === undefined ? {} : { rateLimit: overrides.rateLimit }),
    },
    spendingLimits: overrides.spending ? [{ token, ...overrides.spending, windowSeconds: 86_400 }] : [],
  });
  const authorization = built.authorization(await on.owner.signMessage(built.typedData));
  return { ...keys, validUntil, authorization, methodPolicy: built.methodPolicy as MethodPolicy, messageHash: built.messageHash };
}

/** The key holder's own tooling: a starknet.js Account whose signer always leads with `authorization` (any fee). */
function firstUseSender(privateKey: string, authorization: SessionAuthorization, methodPolicy: MethodPolicy | undefined, address = account.address): Account {
  const signer = new SessionSigner({ privateKey, validUntil: authorization.terms.validUntil, generation: 1, accountAddress: address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, policy: methodPolicyProver(methodPolicy), authorization });
  return new Account({ provider: rpcProvider(), address, signer, cairoVersion: "1" });
}

/** The key holder's tooling "proving" any call with an empty proof: the account checks it against the root. */
function lyingSender(privateKey: string, validUntil: number, authorization?: SessionAuthorization): Account {
  const signer = new SessionSigner({ privateKey, validUntil, generation: 1, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, policy: { encodeCallProofs: (calls) => [num.toHex(calls.length), ...calls.flatMap(() => ["0x0", "0x0"])] }, ...(authorization ? { authorization } : {}) });
  return new Account({ provider: rpcProvider(), address: account.address, signer, cairoVersion: "1" });
}

/** The same key signing the plain policy format (no authorization). */
function laterSender(privateKey: string, validUntil: number, methodPolicy: MethodPolicy, generation = 1): Account {
  const signer = new SessionSigner({ privateKey, validUntil, generation, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, policy: methodPolicyProver(methodPolicy) });
  return new Account({ provider: rpcProvider(), address: account.address, signer, cairoVersion: "1" });
}

async function state(sessionKey: string, address = account.address) {
  const contract = sessionAccountContract(address);
  return {
    nonce: await nonceOf(address),
    session: await sessionData(address, sessionKey),
    generation: BigInt((await contract.call("get_session_generation", [sessionKey])) as bigint),
    revoked: await contract.call("is_session_revoked", [sessionKey]),
    authorization: BigInt((await contract.call("get_session_authorization", [sessionKey])) as bigint),
    sessions: BigInt((await contract.call("get_sessions_count", [])) as bigint),
    counter: await counterValue(counter),
    merchant: await tokenBalance(token, merchant),
  };
}

/** Refused in validation: never included, nothing changes. */
async function refused(sender: Account, calls: Call[], reason: ReasonCode, sessionKey: string, address = account.address) {
  const before = await state(sessionKey, address);
  await expectReason(sender.execute(calls, { resourceBounds: await generousResourceBounds(), tip: 0n }), reason);
  expect(await state(sessionKey, address)).toEqual(before);
}

async function sent(sender: Account, calls: Call[]) {
  const receipt = await executeWithoutEstimate(sender, calls);
  expect(receipt.isSuccess(), JSON.stringify(receipt.value)).toBe(true);
  return receipt;
}

const eventNames = (receipt: { value: unknown }) => {
  const events = (receipt.value as { events?: { from_address: string; keys: string[] }[] }).events ?? [];
  const selectors = Object.fromEntries(["SessionKeyAdded", "SessionPolicySet", "SpendingPolicySet", "SessionAuthorized"].map((name) => [num.toHex(hash.getSelectorFromName(name)), name]));
  return events.filter((event) => BigInt(event.from_address) === BigInt(account.address)).map((event) => selectors[num.toHex(event.keys[0] ?? "0x0")] ?? "other");
};

beforeAll(async () => {
  account = await deploySessionAccount();
  const { address } = await deployAccount({ deployer: await fundedAccount(0), ownerPublicKey: account.ownerPublicKey });
  await devnetProvider().mint(address, 10n ** 21n, "FRI");
  twin = { ...account, address, owner: new Account({ provider: rpcProvider(), address, signer: account.ownerPrivateKey, cairoVersion: "1" }) };
  counter = await deployCounter(0);
  token = await deployToken();
  await executeAndWait(await fundedAccount(0), [{ contractAddress: token, entrypoint: "mint", calldata: CallData.compile({ recipient: account.address, amount: { low: 1_000_000n, high: 0n } }) }]);
});

describe("first use", () => {
  it("registers the session directly with exactly the signed terms; later transactions carry no authorization", async () => {
    const session = await authorized({ maxCalls: 5, spending: { maxPerCall: 100n, maxPerWindow: 150n }, rateLimit: { maxTransactions: 10, periodSeconds: 3_600 } });
    const key = { privateKey: session.privateKey, validUntil: session.validUntil, methodPolicy: session.methodPolicy, authorization: serializeSessionAuthorization(session.authorization) };
    expect(await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey, authorization: session.authorization })).toMatchObject({
      status: "authorized",
      isActive: true,
      maxCalls: 5,
      offChain: { authorizationHash: session.messageHash, firstUsed: false },
    });
    const before = await counterValue(counter);
    const first = await executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session: key, calls: [increase()] });
    const firstTx = await rpcProvider().getTransactionByHash(first.transactionHash);
    expect(BigInt((firstTx as { signature: string[] }).signature[0] ?? 0)).toBe(BigInt(SESSION_AUTHORIZATION_MAGIC));
    expect(eventNames(await rpcProvider().getTransactionReceipt(first.transactionHash))).toEqual(["SessionKeyAdded", "SessionPolicySet", "SpendingPolicySet", "SessionAuthorized"]);
    expect(await counterValue(counter)).toBe(before + 1n);

    const data = await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey, authorization: session.authorization });
    expect(data).toMatchObject({ status: "active", validUntil: session.validUntil, maxCalls: 5, callsUsed: 1, generation: 1, offChain: { authorizationHash: session.messageHash, firstUsed: true } });
    expect(data.policy).toMatchObject({ methodsRoot: num.toHex(session.methodPolicy.root), rateLimit: { maxTransactions: 10, periodSeconds: 3_600, usedInWindow: 1 } });
    const spending = await sessionAccountContract(account.address).call("get_spending_policy", [session.publicKey, token]) as Record<string, bigint>;
    expect({ perCall: spending.max_per_call, perWindow: spending.max_per_window, window: spending.window_seconds }).toEqual({ perCall: 100n, perWindow: 150n, window: 86_400n });

    const later = await executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session: key, calls: [increase(), transfer(10n)] });
    const laterTx = await rpcProvider().getTransactionByHash(later.transactionHash);
    expect(BigInt((laterTx as { signature: string[] }).signature[0] ?? 0)).not.toBe(BigInt(SESSION_AUTHORIZATION_MAGIC));
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(2n);
  });

  it("registers the session through an outside execution a relayer submits", async () => {
    const session = await authorized();
    const key = { privateKey: session.privateKey, validUntil: session.validUntil, methodPolicy: session.methodPolicy, authorization: session.authorization };
    const relayer = await fundedAccount(2);
    const before = await counterValue(counter);
    const first = await getOutsideExecutionTypedData({ provider: rpcProvider(), accountAddress: account.address, calls: [increase()], session: key });
    expect(first.signature?.[0]).toBe(SESSION_AUTHORIZATION_MAGIC);
    await executeAndWait(relayer, [await getOutsideExecutionCall({ accountAddress: account.address, outsideExecution: first.outsideExecution, signature: first.signature! })]);
    expect(await state(session.publicKey)).toMatchObject({ session: { callsUsed: 1n }, generation: 1n, authorization: BigInt(session.messageHash) });
    const later = await getOutsideExecutionTypedData({ provider: rpcProvider(), accountAddress: account.address, calls: [increase()], session: key });
    expect(later.signature?.[0]).not.toBe(SESSION_AUTHORIZATION_MAGIC);
    await executeAndWait(relayer, [await getOutsideExecutionCall({ accountAddress: account.address, outsideExecution: later.outsideExecution, signature: later.signature! })]);
    expect(await counterValue(counter)).toBe(before + 2n);
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(2n);
  });

  it("split signing: the prepared first use carries the authorization; the next one signs as registered", async () => {
    const session = await authorized({ maxCalls: 5, spending: { maxPerCall: 100n, maxPerWindow: 150n } });
    const prepare = (authorization?: SessionAuthorization) =>
      prepareSessionCalls({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey, validUntil: session.validUntil, calls: [increase(), transfer(40n)], methodPolicy: session.methodPolicy, ...(authorization ? { authorization } : {}) });

    // Without the authorization the account knows no such session: refused before signing.
    await expect(prepare()).rejects.toMatchObject({ code: "SESSION_NOT_REGISTERED" });
    // Another key's authorization is bad input.
    const other = await authorized();
    await expect(prepare(other.authorization)).rejects.toMatchObject({ code: "INVALID_INPUT" });

    const before = await state(session.publicKey);
    const first = await prepare(session.authorization);
    expect(first).toMatchObject({ generation: 1n, authorization: session.authorization });
    // Swapped after prepare for an authorization of the same key on another account, or
    // until another time: refused before sending (the account would only say
    // AUTHORIZATION_INVALID after the node ran validation), nothing sent.
    const signature = ec.starkCurve.sign(first.messageHash, session.privateKey);
    for (const swapped of [{ ...session.authorization, accountAddress: twin.address }, { ...session.authorization, terms: { ...session.authorization.terms, validUntil: session.validUntil + 60 } }]) {
      await expect(sendPreparedCalls({ provider: rpcProvider(), prepared: { ...first, authorization: swapped }, signature })).rejects.toMatchObject({ code: "INVALID_INPUT" });
    }
    expect(await state(session.publicKey)).toEqual(before);
    const { transactionHash } = await sendPreparedCalls({ provider: rpcProvider(), prepared: first, signature });
    const tx = (await rpcProvider().getTransactionByHash(transactionHash)) as { signature: string[] };
    expect(BigInt(tx.signature[0] ?? 0)).toBe(BigInt(SESSION_AUTHORIZATION_MAGIC));
    expect(await state(session.publicKey)).toMatchObject({ session: { callsUsed: 1n }, generation: 1n, authorization: BigInt(session.messageHash), counter: before.counter + 1n, merchant: before.merchant + 40n });

    // Recorded now: the same input prepares a plain policy transaction.
    const later = await prepare(session.authorization);
    expect(later.authorization).toBeUndefined();
    const second = await sendPreparedCalls({ provider: rpcProvider(), prepared: later, signature: ec.starkCurve.sign(later.messageHash, session.privateKey) });
    const laterTx = (await rpcProvider().getTransactionByHash(second.transactionHash)) as { signature: string[] };
    expect(BigInt(laterTx.signature[0] ?? 0)).not.toBe(BigInt(SESSION_AUTHORIZATION_MAGIC));
    expect(await state(session.publicKey)).toMatchObject({ session: { callsUsed: 2n }, counter: before.counter + 2n, merchant: before.merchant + 80n });
  });

  it("split signing fixes bounds that hold for the heaviest session: every term, two spending limits, first use and multicalls after", async () => {
    // Validation is not estimated (the key is elsewhere): the first use's registration and a
    // policy session's checks come from fixed margins (prepareSessionCalls.ts). Were they
    // short, these transactions would be included and revert, and the account would pay.
    const secondToken = await deployToken();
    const keys = randomKeyPair();
    const now = await latestBlockTime();
    const validUntil = now + 12 * 3_600;
    const large = { maxPerCall: 2n ** 200n, maxPerWindow: 2n ** 201n, windowSeconds: 86_400 };
    const built = await authorizeSession({
      provider: rpcProvider(),
      accountAddress: account.address,
      sessionPublicKey: keys.publicKey,
      validUntil,
      maxCalls: 20,
      policy: { methods: methods(), validAfter: now - 10, maxFeePerTx: 10n ** 18n, feeBudget: 10n ** 19n, rateLimit: { maxTransactions: 10, periodSeconds: 3_600 } },
      spendingLimits: [{ token, ...large }, { token: secondToken, ...large }],
    });
    const authorization = built.authorization(await account.owner.signMessage(built.typedData));
    const methodPolicy = built.methodPolicy as MethodPolicy;
    for (const calls of [[increase()], [increase()], [increase(), transfer(1n)], [increase(), increase(), increase(), transfer(1n)]]) {
      const prepared = await prepareSessionCalls({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: keys.publicKey, validUntil, calls, methodPolicy, authorization });
      const { transactionHash } = await sendPreparedCalls({ provider: rpcProvider(), prepared, signature: ec.starkCurve.sign(prepared.messageHash, keys.privateKey) });
      const { execution_resources: used } = (await rpcProvider().getTransactionReceipt(transactionHash)).value as unknown as { execution_resources: { l2_gas: number; l1_data_gas: number } };
      expect(BigInt(used.l2_gas)).toBeLessThanOrEqual(prepared.details.resourceBounds.l2_gas.max_amount);
      expect(BigInt(used.l1_data_gas)).toBeLessThanOrEqual(prepared.details.resourceBounds.l1_data_gas.max_amount);
    }
    expect((await sessionData(account.address, keys.publicKey)).callsUsed).toBe(4n);
  });

  it("a replay of the first-use signature after the first use resets nothing", async () => {
    const session = await authorized({ spending: { maxPerCall: 100n, maxPerWindow: 100n } });
    const sender = firstUseSender(session.privateKey, session.authorization, session.methodPolicy);
    await sent(sender, [transfer(60n)]);
    // Carrying the authorization again: the same session goes on, counters and windows kept.
    await sent(sender, [increase()]);
    expect(await state(session.publicKey)).toMatchObject({ session: { callsUsed: 2n }, generation: 1n });
    const before = await state(session.publicKey);
    const receipt = await executeWithoutEstimate(sender, [transfer(60n)]);
    expect(receipt.isReverted()).toBe(true);
    expect((receipt.value as { revert_reason?: string }).revert_reason ?? "").toContain("SPENDING_LIMIT_EXCEEDED");
    expect((await state(session.publicKey)).merchant).toBe(before.merchant);
  });

  it("refuses a first use before the start time or beyond the policy, registering nothing", async () => {
    const session = await authorized({ validAfter: (await latestBlockTime()) + 6 * 3_600 });
    await refused(firstUseSender(session.privateKey, session.authorization, session.methodPolicy), [increase()], "NOT_YET_VALID", session.publicKey);
    const other = await authorized();
    await refused(lyingSender(other.privateKey, other.validUntil, other.authorization), [decrease()], "METHOD_NOT_ALLOWED", other.publicKey);
    expect((await state(other.publicKey)).generation).toBe(0n);
  });
});

describe("refused authorizations", () => {
  it("refuses one replayed on another account of the same owner", async () => {
    const session = await authorized();
    await refused(firstUseSender(session.privateKey, { ...session.authorization, accountAddress: twin.address }, session.methodPolicy, twin.address), [increase()], "AUTHORIZATION_INVALID", session.publicKey, twin.address);
    // SDK: the authorization names its account, and the SDK refuses it elsewhere before signing.
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: twin.address, session: { privateKey: session.privateKey, validUntil: session.validUntil, methodPolicy: session.methodPolicy, authorization: session.authorization }, calls: [increase()] }))).toBe("SESSION_AUTHORIZATION_INVALID");
  });

  it("refuses one the owner signed for another chain id", async () => {
    const session = await authorized();
    const mainnet = sessionAuthorizationTypedData({ chainId: constants.StarknetChainId.SN_MAIN, terms: session.authorization.terms });
    const signature = ec.starkCurve.sign(typedData.getMessageHash(mainnet, account.address), account.ownerPrivateKey);
    const replayed: SessionAuthorization = { ...session.authorization, ownerSignature: [num.toHex(signature.r), num.toHex(signature.s)] };
    await refused(firstUseSender(session.privateKey, replayed, session.methodPolicy), [increase()], "AUTHORIZATION_INVALID", session.publicKey);
  });

  it("refuses a forged owner signature", async () => {
    const session = await authorized();
    const stranger = ec.starkCurve.sign(session.messageHash, stark.randomAddress());
    for (const ownerSignature of [[num.toHex(stranger.r), num.toHex(stranger.s)], ["0x1", "0x2"]] as [string, string][]) {
      await refused(firstUseSender(session.privateKey, { ...session.authorization, ownerSignature }, session.methodPolicy), [increase()], "AUTHORIZATION_INVALID", session.publicKey);
    }
    // The SDK checks the owner's signature when it builds the authorization.
    const built = await authorizeSession({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: randomKeyPair().publicKey, validUntil: session.validUntil, maxCalls: 1, policy: { methods: methods() } });
    expect(() => built.authorization([num.toHex(stranger.r), num.toHex(stranger.s)])).toThrow(expect.objectContaining({ code: "SESSION_AUTHORIZATION_INVALID" }));
  });

  // Each term of the signed Session, changed after the owner signed: the signature no longer verifies.
  const changes: [string, (terms: SessionTerms) => Partial<SessionTerms>][] = [
    ["Key", () => ({})], // a new key, below
    ["Valid After", (t) => ({ validAfter: t.validAfter - 60 })],
    ["Valid Until", (t) => ({ validUntil: t.validUntil + 3_600 })],
    ["Max Calls", (t) => ({ maxCalls: t.maxCalls + 1 })],
    ["Methods Root", () => ({ methodsRoot: buildMethodPolicy([{ contractAddress: counter, entrypoint: "increase" }]).root })],
    ["Max Fee Per Tx", () => ({ maxFeePerTx: (2n * 10n ** 18n).toString() })],
    ["Fee Budget", () => ({ feeBudget: (10n ** 21n).toString() })],
    ["Max Transactions", (t) => ({ maxTransactions: t.maxTransactions + 1 })],
    ["Period Seconds", (t) => ({ periodSeconds: t.periodSeconds * 2 })],
    ["Spending Limits (removed)", () => ({ spendingLimits: [] })],
    ["Spending Limit Token", (t) => ({ spendingLimits: [{ ...t.spendingLimits[0]!, token: num.toHex64(counter) }] })],
    ["Spending Limit Max Per Call", (t) => ({ spendingLimits: [{ ...t.spendingLimits[0]!, maxPerCall: "150" }] })],
    ["Spending Limit Max Per Window", (t) => ({ spendingLimits: [{ ...t.spendingLimits[0]!, maxPerWindow: "1000000" }] })],
    ["Spending Limit Window Seconds", (t) => ({ spendingLimits: [{ ...t.spendingLimits[0]!, windowSeconds: 60 }] })],
    ["Epoch", (t) => ({ epoch: t.epoch + 1 })],
  ];
  it.each(changes)("refuses the authorization with its %s changed", async (term, change) => {
    const session = await authorized({ validAfter: (await latestBlockTime()) - 3_600, maxFeePerTx: 10n ** 18n, feeBudget: 10n ** 20n, rateLimit: { maxTransactions: 100, periodSeconds: 3_600 }, spending: { maxPerCall: 100n, maxPerWindow: 500n } });
    const other = randomKeyPair();
    const privateKey = term === "Key" ? other.privateKey : session.privateKey;
    const publicKey = term === "Key" ? other.publicKey : session.publicKey;
    const terms = { ...session.authorization.terms, ...change(session.authorization.terms), ...(term === "Key" ? { sessionKey: other.publicKey } : {}) };
    await refused(firstUseSender(privateKey, { ...session.authorization, terms }, session.methodPolicy), [increase()], "AUTHORIZATION_INVALID", publicKey);
  });
});

describe("revocation", () => {
  it("before the first use: the owner revokes a key the account never saw", async () => {
    const session = await authorized();
    await revokeSessionKey({ account: account.owner, sessionPublicKey: session.publicKey });
    expect(await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey, authorization: session.authorization })).toMatchObject({ status: "revoked", isActive: false });
    await refused(firstUseSender(session.privateKey, session.authorization, session.methodPolicy), [increase()], "AUTHORIZATION_REVOKED", session.publicKey);
    const key = { privateKey: session.privateKey, validUntil: session.validUntil, methodPolicy: session.methodPolicy, authorization: session.authorization };
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session: key, calls: [increase()] }))).toBe("SESSION_AUTHORIZATION_REVOKED");
    // authorizeSession refuses the key too: an authorization of it could never be used.
    expect(await codeOf(authorizeSession({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey, validUntil: session.validUntil, maxCalls: 1, policy: { methods: methods() } }))).toBe("SESSION_AUTHORIZATION_REVOKED");
  });

  it("after the first use: neither the authorization nor the session signs again", async () => {
    const session = await authorized();
    const sender = firstUseSender(session.privateKey, session.authorization, session.methodPolicy);
    await sent(sender, [increase()]);
    await revokeSessionKey({ account: account.owner, sessionPublicKey: session.publicKey });
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey })).status).toBe("revoked");
    await refused(sender, [increase()], "AUTHORIZATION_REVOKED", session.publicKey);
    await refused(laterSender(session.privateKey, session.validUntil, session.methodPolicy), [increase()], "REVOKED", session.publicKey);
    // The revoked session was the authorization's: the view still names it.
    expect((await state(session.publicKey)).authorization).toBe(BigInt(session.messageHash));
    // Registered again on chain, the key holds a session no authorization created.
    await executeAndWait(account.owner, [getAddSessionWithPolicyCall({ accountAddress: account.address, sessionPublicKey: session.publicKey, validUntil: session.validUntil, maxCalls: 3, policy: { methodsRoot: session.methodPolicy.root } })]);
    expect(await state(session.publicKey)).toMatchObject({ generation: 3n, authorization: 0n, revoked: false });
    const data = await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey, authorization: session.authorization });
    expect(data).toMatchObject({ status: "active", maxCalls: 3 });
    expect(data.offChain).toBeUndefined();
    await refused(sender, [increase()], "AUTHORIZATION_CONFLICT", session.publicKey);
  });

  it("a revoke-all ends every outstanding authorization; one signed in the new epoch works", async () => {
    const unused = await authorized();
    const used = await authorized();
    await sent(firstUseSender(used.privateKey, used.authorization, used.methodPolicy), [increase()]);
    await revokeAllSessions({ account: account.owner });
    await refused(firstUseSender(unused.privateKey, unused.authorization, unused.methodPolicy), [increase()], "AUTHORIZATION_REVOKED", unused.publicKey);
    await refused(firstUseSender(used.privateKey, used.authorization, used.methodPolicy), [increase()], "AUTHORIZATION_REVOKED", used.publicKey);
    const fresh = await authorized();
    expect(fresh.authorization.terms.epoch).toBe(unused.authorization.terms.epoch + 1);
    await sent(firstUseSender(fresh.privateKey, fresh.authorization, fresh.methodPolicy), [increase()]);
  });

  it("refuses an authorization of a key registered on chain (AUTHORIZATION_CONFLICT)", async () => {
    const session = await authorized();
    await executeAndWait(account.owner, [getAddSessionWithPolicyCall({ accountAddress: account.address, sessionPublicKey: session.publicKey, validUntil: session.validUntil, maxCalls: 20, policy: { methodsRoot: session.methodPolicy.root } })]);
    await refused(firstUseSender(session.privateKey, session.authorization, session.methodPolicy), [increase()], "AUTHORIZATION_CONFLICT", session.publicKey);
    expect(await codeOf(authorizeSession({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey, validUntil: session.validUntil, maxCalls: 1, policy: { methods: methods() } }))).toBe("SESSION_AUTHORIZATION_CONFLICT");
  });

  it("is_valid_signature stays owner-only: the first-use layout is refused", async () => {
    const session = await authorized();
    const felts = [SESSION_AUTHORIZATION_MAGIC, ...encodeSessionAuthorization(session.authorization), session.publicKey, "0x1", "0x2", num.toHex(session.validUntil)];
    const [result] = await rpcProvider().callContract({ contractAddress: account.address, entrypoint: "is_valid_signature", calldata: CallData.compile({ hash: sessionAuthorizationHash(session.authorization), signature: felts }) });
    expect(BigInt(result ?? 1)).toBe(0n);
  });
});

describe("policies hold the same for an off-chain and a registered session", () => {
  /** The same terms both ways: registered by the owner on chain, or authorized off-chain and first used. */
  async function both(overrides: Overrides) {
    const offChain = await authorized(overrides);
    const registered = randomKeyPair();
    const terms = offChain.authorization.terms;
    await executeAndWait(account.owner, [
      getAddSessionWithPolicyCall({
        accountAddress: account.address,
        sessionPublicKey: registered.publicKey,
        validUntil: terms.validUntil,
        maxCalls: terms.maxCalls,
        policy: { validAfter: terms.validAfter, methodsRoot: terms.methodsRoot, maxFeePerTx: BigInt(terms.maxFeePerTx), feeBudget: BigInt(terms.feeBudget), ...(terms.maxTransactions ? { rateLimit: { maxTransactions: terms.maxTransactions, periodSeconds: terms.periodSeconds } } : {}) },
      }),
      ...terms.spendingLimits.map((limit) => getSetSpendingPolicyCall({ accountAddress: account.address, sessionPublicKey: registered.publicKey, token: limit.token, maxPerCall: BigInt(limit.maxPerCall), maxPerWindow: BigInt(limit.maxPerWindow), windowSeconds: limit.windowSeconds })),
    ]);
    return [
      {
        name: "off-chain",
        publicKey: offChain.publicKey,
        first: firstUseSender(offChain.privateKey, offChain.authorization, offChain.methodPolicy),
        later: laterSender(offChain.privateKey, terms.validUntil, offChain.methodPolicy),
        lyingFirst: lyingSender(offChain.privateKey, terms.validUntil, offChain.authorization),
        lyingLater: lyingSender(offChain.privateKey, terms.validUntil),
      },
      {
        name: "registered",
        publicKey: registered.publicKey,
        first: laterSender(registered.privateKey, terms.validUntil, offChain.methodPolicy),
        later: laterSender(registered.privateKey, terms.validUntil, offChain.methodPolicy),
        lyingFirst: lyingSender(registered.privateKey, terms.validUntil),
        lyingLater: lyingSender(registered.privateKey, terms.validUntil),
      },
    ];
  }

  it("Merkle methods: a call outside the policy is refused, first use or later", async () => {
    for (const session of await both({})) {
      await refused(session.lyingFirst, [decrease()], "METHOD_NOT_ALLOWED", session.publicKey);
      await sent(session.first, [increase()]);
      await refused(session.lyingLater, [decrease()], "METHOD_NOT_ALLOWED", session.publicKey);
    }
  });

  it("spending limits: past max_per_call and past the window, the execution reverts", async () => {
    for (const session of await both({ spending: { maxPerCall: 100n, maxPerWindow: 150n } })) {
      await sent(session.first, [transfer(100n)]);
      for (const amount of [101n, 60n]) {
        const receipt = await executeWithoutEstimate(session.later, [transfer(amount)]);
        expect(receipt.isReverted(), session.name).toBe(true);
        expect((receipt.value as { revert_reason?: string }).revert_reason ?? "", session.name).toContain("SPENDING_LIMIT_EXCEEDED");
      }
    }
  });

  it("fee cap: a transaction that could cost more than max_fee_per_tx is refused", async () => {
    for (const session of await both({ maxFeePerTx: 10n ** 15n })) {
      await refused(session.first, [increase()], "FEE_CAP_EXCEEDED", session.publicKey);
    }
  });

  it("rate limit: the period's transactions used, the next is refused", async () => {
    for (const session of await both({ rateLimit: { maxTransactions: 1, periodSeconds: 3_600 } })) {
      await sent(session.first, [increase()]);
      await refused(session.later, [increase()], "RATE_LIMITED", session.publicKey);
    }
  });
});

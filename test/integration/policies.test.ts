// Session policies a leaked key cannot escape, each tried as the attacker holding the key
// would: calls outside the (contract, selector) Merkle policy, a proof from another
// session, a swapped pinned recipient, fees over the cap or the budget, spending past its
// limit by every route, acting before the start time or faster than the rate limit.
import { type Account, type Call, CallData, hash, num, OutsideExecutionVersion, outsideExecution, stark } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import { buildMethodPolicy, type MethodPolicy, type MethodPolicyEntry, methodPolicyProver } from "../../sdk/policies/methods.ts";
import { getAddSessionWithPolicyCall, getSetSpendingPolicyCall, type SessionPolicyInput } from "../../sdk/builders/sessionCalls.ts";
import { SessionSigner } from "../../sdk/signers/sessionSigner.ts";
import {
  DEVNET_CHAIN_ID,
  deploySessionAccount,
  type DeployedSessionAccount,
  executeAndWait,
  executeWithoutEstimate,
  expectReason,
  generousResourceBounds,
  nonceOf,
  randomKeyPair,
  sessionData,
  sessionSignedAccount,
} from "../helpers/account.ts";
import { fundedAccount, latestBlockTime, rpcProvider, setBlockTime } from "../helpers/devnet.ts";
import { counterValue, deployCounter, deployHostile, deployToken, tokenBalance } from "../helpers/fixtures.ts";
import { Account as StarknetAccount } from "starknet";
import type { ReasonCode } from "../../sdk/reasons.ts";

let account: DeployedSessionAccount;
let counter: string;
let otherCounter: string;
let token: string;
let router: string;
const merchant = "0x4d455243";
const attacker = "0xbad";

const increase = (to = counter): Call => ({ contractAddress: to, entrypoint: "increase", calldata: [1] });
const transfer = (to: string, amount: bigint, tokenAddress = token): Call => ({ contractAddress: tokenAddress, entrypoint: "transfer", calldata: CallData.compile({ to, amount: { low: amount, high: 0n } }) });
const approve = (spender: string, amount: bigint): Call => ({ contractAddress: token, entrypoint: "approve", calldata: CallData.compile({ spender, amount: { low: amount, high: 0n } }) });

/** A policy session; its signer is the attacker's own tooling (any fee), with the policy's proofs. */
async function policySession(policy: SessionPolicyInput & { methods?: MethodPolicyEntry[] }, options: { maxCalls?: number; proofsFrom?: MethodPolicy } = {}) {
  const keys = randomKeyPair();
  const validUntil = (await latestBlockTime()) + 12 * 3_600;
  const methods = policy.methods ? buildMethodPolicy(policy.methods) : undefined;
  await executeAndWait(account.owner, [
    getAddSessionWithPolicyCall({ accountAddress: account.address, sessionPublicKey: keys.publicKey, validUntil, maxCalls: options.maxCalls ?? 20, policy: { ...policy, ...(methods ? { methodsRoot: methods.root } : {}) } }),
  ]);
  const signer = (prover = methodPolicyProver(options.proofsFrom ?? methods)) =>
    new StarknetAccount({
      provider: rpcProvider(),
      address: account.address,
      signer: new SessionSigner({ privateKey: keys.privateKey, validUntil, generation: 1, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, maxTip: 10n ** 30n, policy: prover }),
      cairoVersion: "1",
    });
  return { ...keys, validUntil, methods, attacker: signer() };
}

async function state(sessionKey: string) {
  return {
    nonce: await nonceOf(account.address),
    session: await sessionData(account.address, sessionKey),
    counter: await counterValue(counter),
    tokens: { account: await tokenBalance(token, account.address), merchant: await tokenBalance(token, merchant), attacker: await tokenBalance(token, attacker), router: await tokenBalance(token, router) },
  };
}

/**
 * Sends and expects success. Generous bounds: starknet.js estimates without running
 * `__validate__`, which a policy session makes heavier than the estimate allows for.
 */
async function sent(sender: Account, calls: Call[]) {
  const receipt = await executeWithoutEstimate(sender, calls);
  expect(receipt.isSuccess(), JSON.stringify(receipt.value)).toBe(true);
}

/** Refused in __validate__: never included, nothing changes. */
async function refused(sender: Account, calls: Call[], reason: ReasonCode, sessionKey: string) {
  const before = await state(sessionKey);
  await expectReason(sender.execute(calls, { resourceBounds: await generousResourceBounds(), tip: 0n }), reason);
  expect(await state(sessionKey)).toEqual(before);
}

/**
 * Reverted in execution (what only execution can measure): included, its fee paid, one
 * nonce and one session call used — and no token, counter or allowance moved.
 */
async function reverted(sender: Account, calls: Call[], reason: ReasonCode, sessionKey: string) {
  const before = await state(sessionKey);
  const receipt = await executeWithoutEstimate(sender, calls);
  expect(receipt.isReverted()).toBe(true);
  const revert = (receipt.value as { revert_reason?: string }).revert_reason ?? "";
  expect(revert).toContain(reason);
  const after = await state(sessionKey);
  expect(after.tokens).toEqual(before.tokens);
  expect(after.counter).toBe(before.counter);
  expect(after.nonce).toBe(before.nonce + 1n);
  expect(after.session.callsUsed).toBe(before.session.callsUsed + 1n);
}

beforeAll(async () => {
  account = await deploySessionAccount();
  counter = await deployCounter(0);
  otherCounter = await deployCounter(0);
  token = await deployToken();
  router = await deployHostile();
  await executeAndWait(await fundedAccount(0), [{ contractAddress: token, entrypoint: "mint", calldata: CallData.compile({ recipient: account.address, amount: { low: 1_000_000n, high: 0n } }) }]);
});

describe("(contract, selector) Merkle policies", () => {
  it("allows exactly the listed methods, direct and relayed, with 1,024 leaves", async () => {
    const filler = Array.from({ length: 1_023 }, (_, i): MethodPolicyEntry => ({ contractAddress: num.toHex(0x10_000 + i), entrypoint: `method_${i}` }));
    const session = await policySession({ methods: [...filler, { contractAddress: counter, entrypoint: "increase" }] });
    await sent(session.attacker, [increase(), increase()]);
    expect(await counterValue(counter)).toBe(2n);
    const relayer = await fundedAccount(2);
    const now = await latestBlockTime();
    const outside = await session.attacker.getOutsideTransaction({ caller: "ANY_CALLER", execute_after: now - 300, execute_before: now + 1_200 }, [increase()], OutsideExecutionVersion.V2, stark.randomAddress());
    await executeAndWait(relayer, outsideExecution.buildExecuteFromOutsideCall(outside));
    expect(await counterValue(counter)).toBe(3n);
  });

  it("refuses a whitelisted selector on a contract outside the policy", async () => {
    const session = await policySession({ methods: [{ contractAddress: counter, entrypoint: "increase" }] });
    // The attacker's prover would happily "prove" it: the proof of the listed leaf, for another contract.
    const listedProof = session.methods!.proofFor({ contractAddress: counter, entrypoint: "increase" });
    const lying = { encodeCallProofs: (calls: readonly unknown[]) => ["0x" + calls.length.toString(16), "0x0", "0x" + listedProof.proof.length.toString(16), ...listedProof.proof] };
    const signer = new StarknetAccount({ provider: rpcProvider(), address: account.address, signer: new SessionSigner({ privateKey: session.privateKey, validUntil: session.validUntil, generation: 1, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, policy: lying }), cairoVersion: "1" });
    await refused(signer, [increase(otherCounter)], "METHOD_NOT_ALLOWED", session.publicKey);
    // and a multicall smuggling one such call among allowed ones
    const twoProofs = { encodeCallProofs: () => ["0x2", "0x0", "0x0", "0x0", "0x0"] };
    const single = new StarknetAccount({ provider: rpcProvider(), address: account.address, signer: new SessionSigner({ privateKey: session.privateKey, validUntil: session.validUntil, generation: 1, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, policy: twoProofs }), cairoVersion: "1" });
    await refused(single, [increase(), increase(otherCounter)], "METHOD_NOT_ALLOWED", session.publicKey);
  });

  it("refuses a proof made for another session's root", async () => {
    const mine = await policySession({ methods: [{ contractAddress: counter, entrypoint: "increase" }, { contractAddress: counter, entrypoint: "decrease" }] });
    const other = buildMethodPolicy([{ contractAddress: otherCounter, entrypoint: "increase" }, { contractAddress: counter, entrypoint: "fail" }]);
    const withForeignProofs = new StarknetAccount({ provider: rpcProvider(), address: account.address, signer: new SessionSigner({ privateKey: mine.privateKey, validUntil: mine.validUntil, generation: 1, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, policy: methodPolicyProver(other) }), cairoVersion: "1" });
    await refused(withForeignProofs, [increase(otherCounter)], "METHOD_NOT_ALLOWED", mine.publicKey);
  });

  it("refuses a proof count that is not one per call", async () => {
    const session = await policySession({ methods: [{ contractAddress: counter, entrypoint: "increase" }] });
    const proof = session.methods!.proofFor({ contractAddress: counter, entrypoint: "increase" });
    const one = ["0x0", "0x" + proof.proof.length.toString(16), ...proof.proof];
    const withProofs = (felts: string[]) =>
      new StarknetAccount({ provider: rpcProvider(), address: account.address, signer: new SessionSigner({ privateKey: session.privateKey, validUntil: session.validUntil, generation: 1, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, policy: { encodeCallProofs: () => felts } }), cairoVersion: "1" });
    await refused(withProofs(["0x1", ...one]), [increase(), increase()], "POLICY_PROOF_MISSING", session.publicKey);
    await refused(withProofs(["0x2", ...one, ...one]), [increase()], "POLICY_PROOF_MISSING", session.publicKey);
  });

  it("refuses a spending-limited SNIP session signing the SNIP format: spending is measured only on the policy path", async () => {
    const keys = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 6 * 3_600;
    await executeAndWait(account.owner, [{ contractAddress: account.address, entrypoint: "add_or_update_session_key", calldata: CallData.compile({ session_key: keys.publicKey, valid_until: validUntil, max_calls: 10, allowed_entrypoints: [] }) }]);
    await executeAndWait(account.owner, [getSetSpendingPolicyCall({ accountAddress: account.address, sessionPublicKey: keys.publicKey, token, maxPerCall: 100n, maxPerWindow: 150n, windowSeconds: 86_400 })]);
    await refused(sessionSignedAccount(account.address, keys.privateKey, validUntil, 1, { maxFee: 10n ** 40n }), [transfer(attacker, 500n)], "POLICY_PROOF_MISSING", keys.publicKey);
  });

  it("refuses proofs from a session that has no policy", async () => {
    const keys = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 6 * 3_600;
    await executeAndWait(account.owner, [{ contractAddress: account.address, entrypoint: "add_or_update_session_key", calldata: CallData.compile({ session_key: keys.publicKey, valid_until: validUntil, max_calls: 10, allowed_entrypoints: [] }) }]);
    const signer = new StarknetAccount({ provider: rpcProvider(), address: account.address, signer: new SessionSigner({ privateKey: keys.privateKey, validUntil, generation: 1, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, policy: { encodeCallProofs: () => ["0x1", "0x0", "0x1", "0x5"] } }), cairoVersion: "1" });
    await refused(signer, [increase()], "BAD_SIGNATURE_FORMAT", keys.publicKey);
  });

  it("refuses a policy session signing without proofs (the SNIP format)", async () => {
    const session = await policySession({ methods: [{ contractAddress: counter, entrypoint: "increase" }] });
    await refused(sessionSignedAccount(account.address, session.privateKey, session.validUntil, 1, { maxFee: 10n ** 40n }), [increase()], "POLICY_PROOF_MISSING", session.publicKey);
  });
});

describe("pinned arguments", () => {
  it("lets a session pay only the pinned merchant, refusing a swapped recipient", async () => {
    const session = await policySession({ methods: [{ contractAddress: token, entrypoint: "transfer", pinned: [{ index: 0, value: merchant }] }] });
    await sent(session.attacker, [transfer(merchant, 10n)]);
    expect(await tokenBalance(token, merchant)).toBe(10n);
    // The prover refuses to prove it; the attacker's own tooling sends the pinned leaf's proof anyway.
    const leafProof = session.methods!.proofFor({ contractAddress: token, entrypoint: "transfer", pinned: [{ index: 0, value: merchant }] });
    const forged = { encodeCallProofs: () => ["0x1", "0x1", "0x0", num.toHex(merchant), "0x" + leafProof.proof.length.toString(16), ...leafProof.proof] };
    const signer = new StarknetAccount({ provider: rpcProvider(), address: account.address, signer: new SessionSigner({ privateKey: session.privateKey, validUntil: session.validUntil, generation: 1, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, policy: forged }), cairoVersion: "1" });
    await refused(signer, [transfer(attacker, 10n)], "PINNED_ARGUMENT_MISMATCH", session.publicKey);
    // Claiming an unpinned leaf for the same method is not in the tree.
    const unpinned = { encodeCallProofs: () => ["0x1", "0x0", "0x0"] };
    const signer2 = new StarknetAccount({ provider: rpcProvider(), address: account.address, signer: new SessionSigner({ privateKey: session.privateKey, validUntil: session.validUntil, generation: 1, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 40n, policy: unpinned }), cairoVersion: "1" });
    await refused(signer2, [transfer(attacker, 10n)], "METHOD_NOT_ALLOWED", session.publicKey);
  });
});

describe("fees", () => {
  it("refuses a fee over the policy's per-transaction cap", async () => {
    const session = await policySession({ methods: [{ contractAddress: counter, entrypoint: "increase" }], maxFeePerTx: 10n ** 15n });
    await refused(session.attacker, [increase()], "FEE_CAP_EXCEEDED", session.publicKey);
  });

  it("refuses once the fee budget is spent over several transactions", async () => {
    const bounds = await generousResourceBounds();
    const worst = bounds.l1_gas.max_amount * bounds.l1_gas.max_price_per_unit + bounds.l2_gas.max_amount * bounds.l2_gas.max_price_per_unit + bounds.l1_data_gas.max_amount * bounds.l1_data_gas.max_price_per_unit;
    const unit = 10n ** 15n;
    const perTx = ((worst + unit - 1n) / unit) * unit;
    const session = await policySession({ methods: [{ contractAddress: counter, entrypoint: "increase" }], feeBudget: 2n * perTx });
    for (let i = 0; i < 2; i++) {
      const receipt = await executeWithoutEstimate(session.attacker, [increase()]);
      expect(receipt.isSuccess()).toBe(true);
    }
    await refused(session.attacker, [increase()], "FEE_BUDGET_EXCEEDED", session.publicKey);
    // (has_policy, SessionPolicy: 6 fields, SessionPolicyUsage: fee_spent, window_start, window_used)
    const view = await rpcProvider().callContract({ contractAddress: account.address, entrypoint: "get_session_policy", calldata: [session.publicKey] });
    expect(BigInt(view[0] ?? 0)).toBe(1n);
    expect(BigInt(view[7] ?? 0)).toBe(2n * perTx);
  });
});

describe("spending limits", () => {
  async function limited(maxPerCall: bigint, maxPerWindow: bigint, methods: MethodPolicyEntry[]) {
    const session = await policySession({ methods });
    await executeAndWait(account.owner, [getSetSpendingPolicyCall({ accountAddress: account.address, sessionPublicKey: session.publicKey, token, maxPerCall, maxPerWindow, windowSeconds: 86_400 })]);
    return session;
  }
  const tokenMethods = (): MethodPolicyEntry[] => [
    { contractAddress: token, entrypoint: "transfer" },
    { contractAddress: token, entrypoint: "approve" },
  ];

  it("refuses a transfer over max_per_call", async () => {
    const session = await limited(100n, 150n, tokenMethods());
    await reverted(session.attacker, [transfer(attacker, 101n)], "SPENDING_LIMIT_EXCEEDED", session.publicKey);
  });

  it("refuses splitting the amount across transactions past the window", async () => {
    const session = await limited(100n, 150n, tokenMethods());
    await sent(session.attacker, [transfer(attacker, 100n)]);
    await reverted(session.attacker, [transfer(attacker, 60n)], "SPENDING_LIMIT_EXCEEDED", session.publicKey);
  });

  it("refuses splitting across the calls of one multicall", async () => {
    const session = await limited(100n, 150n, tokenMethods());
    await reverted(session.attacker, [transfer(attacker, 80n), transfer(attacker, 80n)], "SPENDING_LIMIT_EXCEEDED", session.publicKey);
  });

  it("counts an approval in full, so approve + transfer_from cannot get around it", async () => {
    const session = await limited(100n, 150n, tokenMethods());
    await sent(session.attacker, [approve(attacker, 100n)]);
    await reverted(session.attacker, [approve(attacker, 60n)], "SPENDING_LIMIT_EXCEEDED", session.publicKey);
  });

  it("measures a whitelisted router pulling funds with an allowance the owner granted", async () => {
    const session = await limited(100n, 150n, [{ contractAddress: router, entrypoint: "pull" }]);
    await executeAndWait(account.owner, [approve(router, 1_000n)]);
    const pull = (amount: bigint): Call => ({ contractAddress: router, entrypoint: "pull", calldata: CallData.compile({ token, from: account.address, amount: { low: amount, high: 0n } }) });
    await sent(session.attacker, [pull(100n)]);
    await reverted(session.attacker, [pull(60n)], "SPENDING_LIMIT_EXCEEDED", session.publicKey);
  });

  it("refuses an outside execution started from inside the session's own transaction, which would escape the measurement", async () => {
    const session = await limited(100n, 150n, [...tokenMethods(), { contractAddress: router, entrypoint: "forward" }]);
    const now = await latestBlockTime();
    // Signed by the same key: approvals granted inside, to be pulled later.
    const inner = await session.attacker.getOutsideTransaction({ caller: "ANY_CALLER", execute_after: now - 300, execute_before: now + 1_200 }, [approve(attacker, 100n)], OutsideExecutionVersion.V2, stark.randomAddress());
    const [outsideCall] = outsideExecution.buildExecuteFromOutsideCall(inner);
    const forward: Call = { contractAddress: router, entrypoint: "forward", calldata: CallData.compile({ to: account.address, selector: hash.getSelectorFromName(outsideCall!.entrypoint), calldata: CallData.toCalldata(outsideCall!.calldata ?? []) }) };
    const allowance = async () => BigInt((await rpcProvider().callContract({ contractAddress: token, entrypoint: "allowance", calldata: [account.address, attacker] }))[0] ?? -1);
    const before = await allowance();
    await reverted(session.attacker, [forward], "REENTRANT_CALL", session.publicKey);
    expect(await allowance()).toBe(before);
  });

  it("holds through an outside execution", async () => {
    const session = await limited(100n, 150n, tokenMethods());
    const relayer = await fundedAccount(2);
    const now = await latestBlockTime();
    const outside = await session.attacker.getOutsideTransaction({ caller: "ANY_CALLER", execute_after: now - 300, execute_before: now + 1_200 }, [transfer(attacker, 80n), transfer(attacker, 80n)], OutsideExecutionVersion.V2, stark.randomAddress());
    const before = await state(session.publicKey);
    const receipt = await executeWithoutEstimate(relayer, outsideExecution.buildExecuteFromOutsideCall(outside));
    expect(receipt.isReverted()).toBe(true);
    expect((receipt.value as { revert_reason?: string }).revert_reason ?? "").toContain("SPENDING_LIMIT_EXCEEDED");
    expect((await state(session.publicKey)).tokens).toEqual(before.tokens);
  });
});

describe("time and rate", () => {
  it("refuses acting before valid_after, in __validate__ when hours early and in __execute__ within the same hour", async () => {
    const now = await latestBlockTime();
    const hourStart = Math.ceil((now + 3_600) / 3_600) * 3_600;
    const early = await policySession({ methods: [{ contractAddress: counter, entrypoint: "increase" }], validAfter: hourStart + 5 * 3_600 });
    await refused(early.attacker, [increase()], "NOT_YET_VALID", early.publicKey);

    const sameHour = await policySession({ methods: [{ contractAddress: counter, entrypoint: "increase" }], validAfter: hourStart + 1_800 });
    await setBlockTime(hourStart + 900); // validate sees hourStart; exact time is 15 min early
    await reverted(sameHour.attacker, [increase()], "NOT_YET_VALID", sameHour.publicKey);
    await setBlockTime(hourStart + 1_801);
    await sent(sameHour.attacker, [increase()]);
  });

  it("refuses more than N transactions per period, then allows again in the next period", async () => {
    const session = await policySession({ methods: [{ contractAddress: counter, entrypoint: "increase" }], rateLimit: { maxTransactions: 2, periodSeconds: 3_600 } });
    await sent(session.attacker, [increase()]);
    await sent(session.attacker, [increase()]);
    await refused(session.attacker, [increase()], "RATE_LIMITED", session.publicKey);
    await setBlockTime((await latestBlockTime()) + 2 * 3_600);
    await sent(session.attacker, [increase()]);
  });
});

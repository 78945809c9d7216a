// What a security review found, each tried as the attacker would: a contract a session
// calls, a session key watching the owner's executions, a relayer holding old signatures,
// a careless registration, a lying RPC node, a malicious dApp contract. Every refusal
// names its reason and leaves no trace beyond what a refused transaction must use.
import { Account, type Call, type EstimateFeeResponseBulkOverhead, hash, num, outsideExecution, OutsideExecutionVersion, type OutsideTransaction, RpcProvider, stark } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import {
  executeTransactionWithSession,
  getOutsideExecutionTypedData,
  getSessionData,
  SessionError,
  SessionSigner,
  toSessionError,
} from "../../sdk/index.ts";
import {
  addSessionCall,
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
  registerSession,
  sessionAccountContract,
  sessionData,
  sessionSignedAccount,
  outsideWindow,
} from "../helpers/account.ts";
import { devnetUrl, fundedAccount, latestBlockTime, rpcProvider } from "../helpers/devnet.ts";
import { counterValue, deployCounter, deployHostile } from "../helpers/fixtures.ts";
import { strkBalance } from "../../scripts/lib/deploy-account.ts";

let account: DeployedSessionAccount;
let relayer: Account;
let counter: string;
let hostile: string;
const increase = (amount = 1): Call => ({ contractAddress: counter, entrypoint: "increase", calldata: [amount] });


function relay(transaction: OutsideTransaction): Call[] {
  return outsideExecution.buildExecuteFromOutsideCall(transaction);
}

async function newSession(entrypoints: string[] = ["increase"], maxCalls = 10) {
  const keys = randomKeyPair();
  const validUntil = (await latestBlockTime()) + 6 * 3_600;
  await registerSession(account, { publicKey: keys.publicKey, validUntil, maxCalls, entrypoints });
  return { ...keys, validUntil, signer: sessionSignedAccount(account.address, keys.privateKey, validUntil) };
}

async function ownerNonceFree(nonce: string): Promise<boolean> {
  return (await sessionAccountContract(account.address).call("is_valid_outside_execution_nonce", [nonce])) as boolean;
}

async function sessionNonceFree(sessionKey: string, nonce: string): Promise<boolean> {
  return (await sessionAccountContract(account.address).call("is_valid_session_outside_execution_nonce", [sessionKey, nonce])) as boolean;
}


beforeAll(async () => {
  account = await deploySessionAccount();
  relayer = await fundedAccount(2);
  counter = await deployCounter(1_000);
  hostile = await deployHostile();
});

describe("only the protocol runs validation", () => {
  it("refuses __validate__ re-entered by a contract the session calls, consuming nothing", async () => {
    const session = await newSession(["revalidate"]);
    const receipt = await executeWithoutEstimate(session.signer, [{ contractAddress: hostile, entrypoint: "revalidate", calldata: [account.address, 9] }]);
    expect(receipt.isReverted()).toBe(true);
    const reason = (receipt.value as { revert_reason?: string }).revert_reason ?? "";
    expect(reason).toMatch(/INVALID_TX|0x494e56414c49445f5458/);
    // Only the transaction's own validation used a call; the nine re-entries used none.
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(1n);
  });
});

describe("outside-execution nonces are per signer", () => {
  it("lets neither a session burn the owner's nonce nor one session another's", async () => {
    const nonce = stark.randomAddress();
    const ownerSigned = await account.owner.getOutsideTransaction(await outsideWindow(), [increase(1)], OutsideExecutionVersion.V2, nonce);
    // A session key that saw it (mempool, relayer API) submits its own with that nonce first.
    const first = await newSession();
    const second = await newSession();
    await executeAndWait(relayer, relay(await first.signer.getOutsideTransaction(await outsideWindow(), [increase(1)], OutsideExecutionVersion.V2, nonce)));
    await executeAndWait(relayer, relay(await second.signer.getOutsideTransaction(await outsideWindow(), [increase(1)], OutsideExecutionVersion.V2, nonce)));
    expect(await sessionNonceFree(first.publicKey, nonce)).toBe(false);
    expect(await sessionNonceFree(second.publicKey, nonce)).toBe(false);
    expect(await ownerNonceFree(nonce)).toBe(true);

    const before = await counterValue(counter);
    await executeAndWait(relayer, relay(ownerSigned));
    expect(await counterValue(counter)).toBe(before + 1n);
    expect(await ownerNonceFree(nonce)).toBe(false);
  });

  it("still refuses a session's replay of its own nonce", async () => {
    const session = await newSession();
    const transaction = await session.signer.getOutsideTransaction(await outsideWindow(), [increase(1)], OutsideExecutionVersion.V2, stark.randomAddress());
    await executeAndWait(relayer, relay(transaction));
    const before = { counter: await counterValue(counter), session: await sessionData(account.address, session.publicKey) };
    await expectReason(relayer.executeFromOutside(transaction), "NONCE_USED");
    expect(await counterValue(counter)).toBe(before.counter);
    expect(await sessionData(account.address, session.publicKey)).toEqual(before.session);
  });
});

describe("signatures die with their registration", () => {
  it("refuses an outside execution signed before a revocation, after the key is registered again", async () => {
    const session = await newSession();
    const signed = await session.signer.getOutsideTransaction(await outsideWindow(), [increase(1)], OutsideExecutionVersion.V2, stark.randomAddress());
    await executeAndWait(account.owner, [{ contractAddress: account.address, entrypoint: "revoke_session_key", calldata: [session.publicKey] }]);
    await registerSession(account, { publicKey: session.publicKey, validUntil: session.validUntil, maxCalls: 10, entrypoints: ["increase"] });
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey })).generation).toBe(3);
    const before = await counterValue(counter);
    await expectReason(relayer.executeFromOutside(signed), "INVALID_SIGNATURE");
    expect(await counterValue(counter)).toBe(before);
    expect(await sessionNonceFree(session.publicKey, num.toHex(signed.outsideExecution.nonce))).toBe(true);
    expect((await sessionData(account.address, session.publicKey)).callsUsed).toBe(0n);
    // A signer under the new registration works.
    await executeAndWait(relayer, relay(await sessionSignedAccount(account.address, session.privateKey, session.validUntil, 3).getOutsideTransaction(await outsideWindow(), [increase(1)], OutsideExecutionVersion.V2, stark.randomAddress())));
    expect(await counterValue(counter)).toBe(before + 1n);
  });

  it("refuses signatures made before an update, direct or relayed", async () => {
    const session = await newSession();
    const signed = await session.signer.getOutsideTransaction(await outsideWindow(), [increase(1)], OutsideExecutionVersion.V2, stark.randomAddress());
    await registerSession(account, { publicKey: session.publicKey, validUntil: session.validUntil, maxCalls: 20, entrypoints: ["increase"] });
    const before = { counter: await counterValue(counter), nonce: await nonceOf(account.address), session: await sessionData(account.address, session.publicKey) };
    await expectReason(relayer.executeFromOutside(signed), "INVALID_SIGNATURE");
    // A direct transaction signed under generation 1 (what a signed, unsent one carries).
    await expectReason(session.signer.execute([increase(1)], { resourceBounds: await generousResourceBounds(), tip: 0n }), "INVALID_SIGNATURE");
    expect({ counter: await counterValue(counter), nonce: await nonceOf(account.address), session: await sessionData(account.address, session.publicKey) }).toEqual(before);
  });
});

describe("registration", () => {
  async function expectRegistrationRefused(publicKey: string) {
    const nonce = await nonceOf(account.address);
    const validUntil = (await latestBlockTime()) + 3_600;
    await expectReason(account.owner.execute([addSessionCall(account.address, { publicKey, validUntil, maxCalls: 5, entrypoints: [] })]), "INVALID_SESSION_KEY");
    expect(await nonceOf(account.address)).toBe(nonce);
    expect(await sessionData(account.address, publicKey)).toEqual({ validUntil: 0n, maxCalls: 0n, callsUsed: 0n, entrypointsLength: 0n });
  }

  it("refuses the owner's own key as a session key", async () => {
    await expectRegistrationRefused(account.ownerPublicKey);
  });

  it("refuses values that are not Stark public keys", async () => {
    await expectRegistrationRefused("0x5"); // no curve point has x = 5
    await expectRegistrationRefused("0x0");
  });
});

describe("caller 0 is not 'any caller'", () => {
  it("refuses an execution naming caller 0, whoever submits it", async () => {
    const transaction = await account.owner.getOutsideTransaction({ ...(await outsideWindow()), caller: "0x0" }, [increase(1)], OutsideExecutionVersion.V2, stark.randomAddress());
    const before = await counterValue(counter);
    await expectReason(relayer.executeFromOutside(transaction), "INVALID_CALLER");
    expect(await counterValue(counter)).toBe(before);
    expect(await ownerNonceFree(num.toHex(transaction.outsideExecution.nonce))).toBe(true);
  });

  it("the SDK never builds one", async () => {
    for (const caller of ["0x0", "0", ""]) {
      expect(await codeOf(getOutsideExecutionTypedData({ provider: rpcProvider(), accountAddress: account.address, calls: [increase()], caller }))).toBe("INVALID_INPUT");
    }
  });
});

/** A node that lies about recent blocks: it reports a tip of 10^14 FRI per L2 gas unit. */
class TipLyingProvider extends RpcProvider {
  override async getEstimateTip() {
    const tip = 10n ** 14n;
    return { minTip: tip, maxTip: tip, averageTip: tip, medianTip: tip, modeTip: tip, recommendedTip: tip, p90Tip: tip, p95Tip: tip, metrics: undefined } as never;
  }
}

/** ...and also inflates fee estimates 100,000-fold. */
class FeeLyingProvider extends TipLyingProvider {
  override async getEstimateFeeBulk(...args: Parameters<RpcProvider["getEstimateFeeBulk"]>): Promise<EstimateFeeResponseBulkOverhead> {
    const estimates = await super.getEstimateFeeBulk(...args);
    return estimates.map((estimate) => ({
      ...estimate,
      resourceBounds: { ...estimate.resourceBounds, l2_gas: { ...estimate.resourceBounds.l2_gas, max_price_per_unit: estimate.resourceBounds.l2_gas.max_price_per_unit * 100_000n } },
    }));
  }
}

describe("fee ceilings against a lying node", () => {
  it("ignores the node's tip: sends with tip 0 unless asked", async () => {
    const session = await newSession();
    const liar = new TipLyingProvider({ nodeUrl: `${devnetUrl()}/rpc`, transactionRetryIntervalFallback: 100 });
    const sent = await executeTransactionWithSession({ provider: liar, accountAddress: account.address, session: { privateKey: session.privateKey, validUntil: session.validUntil }, calls: [increase()] });
    const transaction = (await rpcProvider().getTransactionByHash(sent.transactionHash)) as { tip?: string };
    expect(BigInt(transaction.tip ?? -1)).toBe(0n);
    expect(sent.fee).toBeLessThan(10n ** 17n);
  });

  it("refuses to sign inflated resource bounds, sending nothing", async () => {
    const session = await newSession();
    const liar = new FeeLyingProvider({ nodeUrl: `${devnetUrl()}/rpc`, transactionRetryIntervalFallback: 100 });
    const before = { nonce: await nonceOf(account.address), balance: await strkBalance(rpcProvider(), account.address), session: await sessionData(account.address, session.publicKey) };
    expect(await codeOf(executeTransactionWithSession({ provider: liar, accountAddress: account.address, session: { privateKey: session.privateKey, validUntil: session.validUntil }, calls: [increase()] }))).toBe("FEE_LIMIT_EXCEEDED");
    expect({ nonce: await nonceOf(account.address), balance: await strkBalance(rpcProvider(), account.address), session: await sessionData(account.address, session.publicKey) }).toEqual(before);
  });

  it("refuses a caller's tip whose worst case exceeds maxFee, and signs a caller's own tip as given", async () => {
    const session = await newSession();
    const input = { provider: rpcProvider(), accountAddress: account.address, session: { privateKey: session.privateKey, validUntil: session.validUntil }, calls: [increase()] };
    const nonce = await nonceOf(account.address);
    expect(await codeOf(executeTransactionWithSession({ ...input, tip: 10n ** 14n }))).toBe("FEE_LIMIT_EXCEEDED");
    expect(await nonceOf(account.address)).toBe(nonce);
    const sent = await executeTransactionWithSession({ ...input, tip: 1_000n });
    expect(BigInt(((await rpcProvider().getTransactionByHash(sent.transactionHash)) as { tip?: string }).tip ?? -1)).toBe(1_000n);
  });

  it("a SessionSigner under a plain starknet.js Account refuses the node's tip (maxTip 0 by default)", async () => {
    const session = await newSession();
    const liar = new TipLyingProvider({ nodeUrl: `${devnetUrl()}/rpc`, transactionRetryIntervalFallback: 100 });
    const signer = new SessionSigner({ privateKey: session.privateKey, validUntil: session.validUntil, generation: 1, accountAddress: account.address, chainId: DEVNET_CHAIN_ID, maxFee: 10n ** 30n });
    const nonce = await nonceOf(account.address);
    // No tip given: starknet.js asks the node, which answers 10^14.
    expect(await codeOf(new Account({ provider: liar, address: account.address, signer, cairoVersion: "1" }).execute([increase()]))).toBe("FEE_LIMIT_EXCEEDED");
    expect(await nonceOf(account.address)).toBe(nonce);
  });
});

describe("reason codes come from the account only", () => {
  it("reports a dApp contract's 'REVOKED' panic as TRANSACTION_REVERTED with that contract, leaving the session usable", async () => {
    const session = await newSession(["fail_with", "increase"]);
    const input = { provider: rpcProvider(), accountAddress: account.address, session: { privateKey: session.privateKey, validUntil: session.validUntil } };
    let error: unknown;
    try {
      await executeTransactionWithSession({ ...input, calls: [{ contractAddress: hostile, entrypoint: "fail_with", calldata: ["0x5245564f4b4544"] }] });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SessionError);
    expect((error as SessionError).code).toBe("TRANSACTION_REVERTED");
    expect(JSON.parse((error as SessionError).details ?? "{}")).toMatchObject({ contract: num.toHex64(hostile), reason: "REVOKED" });
    const data = await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey });
    expect(data.status).toBe("active");
    await executeTransactionWithSession({ ...input, calls: [increase()] });
  });

  it("the same on chain: a reverted receipt names the inner contract, not a session reason", async () => {
    const session = await newSession(["fail_with"]);
    const receipt = await executeWithoutEstimate(session.signer, [{ contractAddress: hostile, entrypoint: "fail_with", calldata: ["0x45585049524544"] }]); // 'EXPIRED'
    expect(receipt.isReverted()).toBe(true);
    const reason = (receipt.value as { revert_reason?: string }).revert_reason ?? "";
    const error = toSessionError(reason, { accountAddress: account.address });
    expect(error.code).toBe("TRANSACTION_REVERTED");
    expect(JSON.parse(error.details ?? "{}")).toMatchObject({ contract: num.toHex64(hostile), reason: "EXPIRED" });
  });

  it("a refusal the account raises inside a callee's frame is that callee's failure, not the session's", async () => {
    const session = await newSession(["revalidate"]);
    const receipt = await executeWithoutEstimate(session.signer, [{ contractAddress: hostile, entrypoint: "revalidate", calldata: [account.address, 1] }]);
    const reason = (receipt.value as { revert_reason?: string }).revert_reason ?? "";
    // INVALID_TX comes from the account re-entered by the hostile contract: a frame inside the callee's.
    const error = toSessionError(reason, { accountAddress: account.address });
    expect(error.code).toBe("TRANSACTION_REVERTED");
    expect(JSON.parse(error.details ?? "{}").contract).toBe(num.toHex64(hostile));
  });
});

describe("calls are normalised once", () => {
  it("refuses a hex selector as a call's entrypoint before anything is checked or signed", async () => {
    const session = await newSession();
    const nonce = await nonceOf(account.address);
    const selectorCall = { contractAddress: counter, entrypoint: hash.getSelectorFromName("increase"), calldata: [1] };
    expect(await codeOf(executeTransactionWithSession({ provider: rpcProvider(), accountAddress: account.address, session: { privateKey: session.privateKey, validUntil: session.validUntil }, calls: [selectorCall] }))).toBe("INVALID_INPUT");
    expect(await nonceOf(account.address)).toBe(nonce);
  });
});

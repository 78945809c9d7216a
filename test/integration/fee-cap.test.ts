// A leaked session key chooses the fee envelope it signs. The account caps what one
// session transaction may cost it (default 1 STRK, owner-adjustable), checked in
// __validate__ against the worst case the transaction allows: an over-cap transaction is
// never included, so it costs nothing.
import type { Call } from "starknet";
import { beforeAll, describe, expect, it } from "vitest";
import { getSessionData } from "../../sdk/index.ts";
import { strkBalance } from "../../scripts/lib/deploy-account.ts";
import {
  deploySessionAccount,
  type DeployedSessionAccount,
  executeAndWait,
  expectReason,
  generousResourceBounds,
  nonceOf,
  randomKeyPair,
  registerSession,
  sessionData,
  sessionSignedAccount,
} from "../helpers/account.ts";
import { latestBlockTime, rpcProvider } from "../helpers/devnet.ts";
import { counterValue, deployCounter } from "../helpers/fixtures.ts";

const STRK = 10n ** 18n;
let account: DeployedSessionAccount;
let counter: string;
const increase = (): Call => ({ contractAddress: counter, entrypoint: "increase", calldata: [1] });
const setMaxFee = (sessionKey: string, maxFee: bigint): Call => ({ contractAddress: account.address, entrypoint: "set_session_max_fee", calldata: [sessionKey, maxFee.toString()] });

/** A session whose signer (the attacker's own tooling) signs any fee. */
async function leakedSession() {
  const keys = randomKeyPair();
  const validUntil = (await latestBlockTime()) + 6 * 3_600;
  await registerSession(account, { publicKey: keys.publicKey, validUntil, maxCalls: 10, entrypoints: ["increase"] });
  return { ...keys, validUntil, attacker: sessionSignedAccount(account.address, keys.privateKey, validUntil, 1, { maxFee: 10n ** 40n, maxTip: 10n ** 30n }) };
}

async function state(sessionKey: string) {
  return { nonce: await nonceOf(account.address), balance: await strkBalance(rpcProvider(), account.address), session: await sessionData(account.address, sessionKey), counter: await counterValue(counter) };
}

/** Bounds whose worst case is `factor` times the cap-friendly generous ones. */
async function boundsCosting(minimumFri: bigint) {
  const bounds = await generousResourceBounds();
  const perUnit = minimumFri / bounds.l2_gas.max_amount + 1n;
  return { ...bounds, l2_gas: { ...bounds.l2_gas, max_price_per_unit: perUnit } };
}

beforeAll(async () => {
  account = await deploySessionAccount();
  counter = await deployCounter(0);
});

describe("session fee cap", () => {
  it("defaults to 1 STRK per transaction, shown by the view and getSessionData", async () => {
    const session = await leakedSession();
    expect(await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey })).toMatchObject({ maxFeePerTx: STRK });
  });

  it("refuses resource bounds whose worst case exceeds the cap, and nothing is paid", async () => {
    const session = await leakedSession();
    const before = await state(session.publicKey);
    await expectReason(session.attacker.execute([increase()], { resourceBounds: await boundsCosting(STRK + 1n), tip: 0n }), "FEE_CAP_EXCEEDED");
    expect(await state(session.publicKey)).toEqual(before);
  });

  it("counts the tip on every unit of L2 gas", async () => {
    const session = await leakedSession();
    const bounds = await generousResourceBounds();
    const tip = STRK / bounds.l2_gas.max_amount + 1n; // tip x L2 max amount alone > 1 STRK
    const before = await state(session.publicKey);
    await expectReason(session.attacker.execute([increase()], { resourceBounds: bounds, tip }), "FEE_CAP_EXCEEDED");
    expect(await state(session.publicKey)).toEqual(before);
  });

  it("follows the owner's setting, up or down", async () => {
    const session = await leakedSession();
    const expensive = await boundsCosting(STRK + 1n);
    await executeAndWait(account.owner, [setMaxFee(session.publicKey, 2n * STRK)]);
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey })).maxFeePerTx).toBe(2n * STRK);
    const receipt = await rpcProvider().waitForTransaction((await session.attacker.execute([increase()], { resourceBounds: expensive, tip: 0n })).transaction_hash);
    expect(receipt.isSuccess()).toBe(true);

    await executeAndWait(account.owner, [setMaxFee(session.publicKey, 10n ** 15n)]); // 0.001 STRK
    const before = await state(session.publicKey);
    await expectReason(session.attacker.execute([increase()], { resourceBounds: await generousResourceBounds(), tip: 0n }), "FEE_CAP_EXCEEDED");
    expect(await state(session.publicKey)).toEqual(before);
  });

  it("an update of the session restores the default", async () => {
    const session = await leakedSession();
    await executeAndWait(account.owner, [setMaxFee(session.publicKey, 5n * STRK)]);
    await registerSession(account, { publicKey: session.publicKey, validUntil: session.validUntil, maxCalls: 10, entrypoints: ["increase"] });
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey })).maxFeePerTx).toBe(STRK);
  });

  it("refuses unusable caps and sessions that are not live", async () => {
    const session = await leakedSession();
    for (const value of [0n, 10n ** 15n + 1n, 2n ** 32n * 10n ** 15n]) {
      await expectReason(account.owner.execute([setMaxFee(session.publicKey, value)]), "INVALID_SESSION");
    }
    await expectReason(account.owner.execute([setMaxFee(randomKeyPair().publicKey, STRK)]), "NOT_REGISTERED");
    expect((await getSessionData({ provider: rpcProvider(), accountAddress: account.address, sessionPublicKey: session.publicKey })).maxFeePerTx).toBe(STRK);
  });

  it("is an admin selector no session may call, on any contract", async () => {
    const session = await leakedSession();
    const before = await state(session.publicKey);
    await expectReason(session.attacker.execute([{ contractAddress: counter, entrypoint: "set_session_max_fee", calldata: [session.publicKey, (100n * STRK).toString()] }], { resourceBounds: await generousResourceBounds(), tip: 0n }), "BLOCKED_SELECTOR");
    expect(await state(session.publicKey)).toEqual(before);
  });
});

// A relayed transaction the node never got (the send had no answer: a timeout, a dropped
// connection) is looked up by its hash, found unknown, and sent again by the tracker under
// the same tracking id while the window is open: executed once, settled once.
import { afterAll, beforeAll, expect, test } from "vitest";
import { apiKeyUsage } from "../../../relayer/src/sponsor/apiKeys.ts";
import { deploySessionAccount } from "../../helpers/account.ts";
import { rpcProvider } from "../../helpers/devnet.ts";
import { counterValue, deployCounter } from "../../helpers/fixtures.ts";
import { paymasterAccount, relayerAccountKeys, SPONSORED, startTestRelayer, type TestRelayer } from "../../helpers/relayer.ts";

let relayer: TestRelayer;
beforeAll(async () => {
  // The tracker is driven by hand: each pass is one step of the story.
  relayer = await startTestRelayer({ dropAfterMs: 1_000 }, { track: false });
});
afterAll(async () => {
  await relayer?.stop();
});

async function trackingStatus(trackingId: string): Promise<{ transaction_hash: string; status: string }> {
  const response = await fetch(relayer.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "paymaster_trackingIdToLatestHash", params: { tracking_id: trackingId } }) });
  return ((await response.json()) as { result: { transaction_hash: string; status: string } }).result;
}

test("a transaction the node never got is sent again, once, and settled from the new receipt", async () => {
  const account = await deploySessionAccount();
  const counter = await deployCounter();
  const key = await relayer.apiKey();
  const { provider, db } = relayer.relayer.context;
  // The first send gets no answer and the node never sees it.
  const send = provider.invokeSignedTx.bind(provider);
  let lostOnce = false;
  provider.invokeSignedTx = async (transaction) => {
    if (!lostOnce) {
      lostOnce = true;
      throw new Error("socket hang up");
    }
    return send(transaction);
  };
  const user = paymasterAccount(account.address, account.ownerPrivateKey, relayer.paymaster(key.secret));
  const built = await user.buildPaymasterTransaction([{ contractAddress: counter, entrypoint: "increase", calldata: [1] }], SPONSORED);
  const signed = await user.preparePaymasterTransaction(built);
  const { tracking_id: trackingId, transaction_hash: lostHash } = await relayer.paymaster(key.secret).executeTransaction(signed, built.parameters);
  expect(lostOnce).toBe(true);
  await expect(rpcProvider().getTransactionReceipt(lostHash)).rejects.toThrow(/29|not found/i);
  expect(await trackingStatus(trackingId)).toEqual({ transaction_hash: lostHash, status: "active" });

  // Past the sender's grace and the drop delay, the tracker finds the hash unknown and resends.
  await db.query("UPDATE transactions SET created_at = now() - interval '1 minute', checked_at = now() - interval '1 minute' WHERE hash = $1", [lostHash]);
  await relayer.relayer.tracker.tick();
  const resent = await trackingStatus(trackingId);
  expect(resent.transaction_hash).not.toBe(lostHash);
  const receipt = await rpcProvider().waitForTransaction(resent.transaction_hash);
  expect(receipt.isSuccess()).toBe(true);
  expect(await counterValue(counter)).toBe(1n);

  await db.query("UPDATE transactions SET checked_at = now() - interval '1 minute'");
  await relayer.relayer.tracker.tick();
  expect(await trackingStatus(trackingId)).toEqual({ transaction_hash: resent.transaction_hash, status: "accepted" });
  const { rows } = await db.query<{ hash: string; status: string }>("SELECT hash, status FROM transactions WHERE tracking_id = $1 ORDER BY created_at", [trackingId]);
  expect(rows).toEqual([
    { hash: lostHash, status: "dropped" },
    { hash: resent.transaction_hash, status: "accepted" },
  ]);
  const actual = BigInt((receipt.value as { actual_fee: { amount: string } }).actual_fee.amount);
  expect(await apiKeyUsage(db, key.id)).toEqual({ budgetFri: 10n * 10n ** 18n, spentFri: actual, reservedFri: 0n });
});

test("a transaction a dead process recorded but never sent does not hold its relayer account's nonce", async () => {
  const single = await startTestRelayer({ relayerAccounts: (await relayerAccountKeys([9])) }, { track: false });
  try {
    const account = await deploySessionAccount();
    const counter = await deployCounter();
    const key = await single.apiKey();
    const user = paymasterAccount(account.address, account.ownerPrivateKey, single.paymaster(key.secret));
    const relayerAddress = single.relayer.context.pool.addresses[0] as string;
    const { db } = single.relayer.context;
    const first = await user.executePaymasterTransaction([{ contractAddress: counter, entrypoint: "increase", calldata: [1] }], SPONSORED);
    await rpcProvider().waitForTransaction(first.transaction_hash);
    const next = BigInt(await rpcProvider().getNonceForAddress(relayerAddress));
    // What a process killed between recording and sending leaves: a 'sending' row at the
    // account's next nonce, and the counter not advanced past it.
    const { rows: [request] } = await db.query<{ tracking_id: string }>("SELECT tracking_id FROM requests LIMIT 1");
    const ghost = "0x1234567890abcdef";
    await db.query("INSERT INTO transactions (hash, tracking_id, relayer_address, nonce, max_fee_fri, status, created_at) VALUES ($1, $2, $3, $4, 1, 'sending', now() - interval '1 minute')", [ghost, request?.tracking_id, relayerAddress, next.toString()]);

    const second = await user.executePaymasterTransaction([{ contractAddress: counter, entrypoint: "increase", calldata: [1] }], SPONSORED);
    expect((await rpcProvider().waitForTransaction(second.transaction_hash)).isSuccess()).toBe(true);
    const sent = (await rpcProvider().getTransactionByHash(second.transaction_hash)) as { nonce: string };
    expect(BigInt(sent.nonce)).toBe(next);
    const { rows } = await db.query<{ status: string }>("SELECT status FROM transactions WHERE hash = $1", [ghost]);
    expect(rows[0]?.status).toBe("dropped");
    expect(await counterValue(counter)).toBe(2n);
  } finally {
    await single.stop();
  }
});

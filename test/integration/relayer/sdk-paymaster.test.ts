// The SDK's gasless path: executeTransactionWithSession({ paymaster }) through our relayer
// with starknet.js PaymasterRpc, in both fee modes, and what it refuses before signing.
import { PaymasterRpc } from "starknet";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { STRK_TOKEN_ADDRESS } from "../../../sdk/utils/fees.ts";
import { apiKeyUsage } from "../../../relayer/src/sponsor/apiKeys.ts";
import { addSessionKeyToContract, executeTransactionWithSession, SessionError } from "../../../sdk/index.ts";
import { deploySessionAccount, randomKeyPair } from "../../helpers/account.ts";
import { latestBlockTime, rpcProvider } from "../../helpers/devnet.ts";
import { counterValue, deployCounter, tokenBalance } from "../../helpers/fixtures.ts";
import { startTestRelayer, type TestRelayer } from "../../helpers/relayer.ts";

let relayer: TestRelayer;
beforeAll(async () => {
  relayer = await startTestRelayer();
});
afterAll(async () => {
  await relayer?.stop();
});

async function sessionOn(entrypoints: string[]) {
  const account = await deploySessionAccount();
  const counter = await deployCounter();
  const key = randomKeyPair();
  const validUntil = (await latestBlockTime()) + 3_600;
  await addSessionKeyToContract({ account: account.owner, sessionPublicKey: key.publicKey, validUntil, maxCalls: 10, allowedEntrypoints: entrypoints });
  return { account, counter, session: { privateKey: key.privateKey, validUntil } };
}

async function relayerNonces(): Promise<bigint[]> {
  return Promise.all(relayer.relayer.context.pool.addresses.map(async (address) => BigInt(await rpcProvider().getNonceForAddress(address))));
}

describe("executeTransactionWithSession with a paymaster", () => {
  test("sponsored: the call lands, the account pays nothing, the sponsor pays the receipt's fee", async () => {
    const { account, counter, session } = await sessionOn(["increase"]);
    const key = await relayer.apiKey();
    const before = await tokenBalance(STRK_TOKEN_ADDRESS, account.address);
    const sent = await executeTransactionWithSession({
      provider: rpcProvider(),
      accountAddress: account.address,
      session,
      calls: [{ contractAddress: counter, entrypoint: "increase", calldata: [3] }],
      paymaster: { client: relayer.paymaster(key.secret) },
    });
    expect(sent.fee).toBe(0n);
    expect(sent.trackingId).toMatch(/^0x[0-9a-f]+$/);
    expect(await counterValue(counter)).toBe(3n);
    expect(await tokenBalance(STRK_TOKEN_ADDRESS, account.address)).toBe(before);
    const receipt = await rpcProvider().getTransactionReceipt(sent.transactionHash);
    const actual = BigInt((receipt.value as { actual_fee: { amount: string } }).actual_fee.amount);
    // The relayer's tracker (every 200 ms here) settles the reservation from the receipt.
    let usage = await apiKeyUsage(relayer.relayer.context.db, key.id);
    for (let wait = 0; usage.reservedFri !== 0n && wait < 50; wait += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      usage = await apiKeyUsage(relayer.relayer.context.db, key.id);
    }
    expect(usage).toEqual({ budgetFri: 10n * 10n ** 18n, spentFri: actual, reservedFri: 0n });
  });

  test("default mode: the account pays the relayer exactly the fee transfer it signed, in STRK", async () => {
    const { account, counter, session } = await sessionOn(["increase", "transfer"]);
    const recipient = relayer.relayer.context.config.feeRecipient;
    const [accountBefore, recipientBefore] = [await tokenBalance(STRK_TOKEN_ADDRESS, account.address), await tokenBalance(STRK_TOKEN_ADDRESS, recipient)];
    const sent = await executeTransactionWithSession({
      provider: rpcProvider(),
      accountAddress: account.address,
      session,
      calls: [{ contractAddress: counter, entrypoint: "increase", calldata: [1] }],
      paymaster: { client: relayer.paymaster(), feeMode: { mode: "default", gasToken: STRK_TOKEN_ADDRESS } },
    });
    expect(sent.fee).toBeGreaterThan(0n);
    expect(await tokenBalance(STRK_TOKEN_ADDRESS, account.address)).toBe(accountBefore - sent.fee);
    // The recipient is relayer account #1: it received the fee; it paid nothing unless it sent this transaction.
    const receipt = await rpcProvider().getTransactionReceipt(sent.transactionHash);
    const sender = (await rpcProvider().getTransactionByHash(sent.transactionHash)) as { sender_address: string };
    const paidGas = BigInt(sender.sender_address) === BigInt(recipient) ? BigInt((receipt.value as { actual_fee: { amount: string } }).actual_fee.amount) : 0n;
    expect(await tokenBalance(STRK_TOKEN_ADDRESS, recipient)).toBe(recipientBefore + sent.fee - paidGas);
  });

  test("a fee above maxFee is refused before the session key signs: nothing is sent", async () => {
    const { account, counter, session } = await sessionOn(["increase", "transfer"]);
    const nonces = await relayerNonces();
    const refused = await executeTransactionWithSession({
      provider: rpcProvider(),
      accountAddress: account.address,
      session,
      calls: [{ contractAddress: counter, entrypoint: "increase", calldata: [1] }],
      maxFee: 1_000n,
      paymaster: { client: relayer.paymaster(), feeMode: { mode: "default", gasToken: STRK_TOKEN_ADDRESS } },
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SessionError);
    expect((refused as SessionError).code).toBe("FEE_LIMIT_EXCEEDED");
    expect(await counterValue(counter)).toBe(0n);
    expect(await relayerNonces()).toEqual(nonces);
  });

  test("another token than STRK needs an explicit ceiling", async () => {
    const { account, counter, session } = await sessionOn(["increase"]);
    const refused = await executeTransactionWithSession({
      provider: rpcProvider(),
      accountAddress: account.address,
      session,
      calls: [{ contractAddress: counter, entrypoint: "increase", calldata: [1] }],
      paymaster: { client: relayer.paymaster(), feeMode: { mode: "default", gasToken: "0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7" } },
    }).catch((error: unknown) => error);
    expect((refused as SessionError).code).toBe("INVALID_INPUT");
  });

  test("a sponsor's refusal is PAYMASTER_REJECTED with the relayer's reason, and nothing is sent", async () => {
    const { account, counter, session } = await sessionOn(["increase"]);
    const key = await relayer.apiKey({ allowedTargets: [STRK_TOKEN_ADDRESS] });
    const nonces = await relayerNonces();
    const refused = await executeTransactionWithSession({
      provider: rpcProvider(),
      accountAddress: account.address,
      session,
      calls: [{ contractAddress: counter, entrypoint: "increase", calldata: [1] }],
      paymaster: { client: new PaymasterRpc({ nodeUrl: relayer.url, headers: { "x-paymaster-api-key": key.secret } }) },
    }).catch((error: unknown) => error);
    expect((refused as SessionError).code).toBe("PAYMASTER_REJECTED");
    expect((refused as SessionError).message).toMatch(/UNKNOWN_ERROR \(TARGET_NOT_ALLOWED: /);
    expect(await counterValue(counter)).toBe(0n);
    expect(await relayerNonces()).toEqual(nonces);
    expect(await apiKeyUsage(relayer.relayer.context.db, key.id)).toEqual({ budgetFri: 10n * 10n ** 18n, spentFri: 0n, reservedFri: 0n });
  });
});

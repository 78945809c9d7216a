import { afterAll, beforeAll, expect, test } from "vitest";
import { deployCounter, counterValue } from "../../helpers/fixtures.ts";
import { deploySessionAccount } from "../../helpers/account.ts";
import { PAY_IN_STRK, paymasterAccount, relayAndWait, SPONSORED, startTestRelayer, type TestRelayer } from "../../helpers/relayer.ts";

let relayer: TestRelayer;
beforeAll(async () => {
  relayer = await startTestRelayer();
});
afterAll(async () => {
  await relayer?.stop();
});

test("owner-signed, sponsored and default", async () => {
  const account = await deploySessionAccount();
  const counter = await deployCounter();
  const { secret } = await relayer.apiKey();
  const user = paymasterAccount(account.address, account.ownerPrivateKey, relayer.paymaster(secret));
  expect(await relayer.paymaster().isAvailable()).toBe(true);
  await relayAndWait(user, [{ contractAddress: counter, entrypoint: "increase", calldata: [1] }], SPONSORED);
  expect(await counterValue(counter)).toBe(1n);
  await relayAndWait(user, [{ contractAddress: counter, entrypoint: "increase", calldata: [1] }], PAY_IN_STRK);
  expect(await counterValue(counter)).toBe(2n);
});

test("session-signed, sponsored and default", async () => {
  const { randomKeyPair, registerSession, sessionSignedAccount } = await import("../../helpers/account.ts");
  const { latestBlockTime } = await import("../../helpers/devnet.ts");
  const account = await deploySessionAccount();
  const counter = await deployCounter();
  const key = randomKeyPair();
  const validUntil = (await latestBlockTime()) + 3600;
  await registerSession(account, { publicKey: key.publicKey, validUntil, maxCalls: 10, entrypoints: ["increase", "transfer"] });
  const { secret } = await relayer.apiKey();
  const signer = sessionSignedAccount(account.address, key.privateKey, validUntil).signer;
  const user = paymasterAccount(account.address, signer, relayer.paymaster(secret));
  await relayAndWait(user, [{ contractAddress: counter, entrypoint: "increase", calldata: [1] }], SPONSORED);
  await relayAndWait(user, [{ contractAddress: counter, entrypoint: "increase", calldata: [1] }], PAY_IN_STRK);
  expect(await counterValue(counter)).toBe(2n);
});

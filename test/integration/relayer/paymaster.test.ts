// The relayer as a SNIP-29 paymaster, driven by starknet.js's own client (PaymasterRpc and
// Account, unmodified): owner- and session-signed executions, sponsored or paid in STRK;
// every refusal with SNIP-29's code, and with nothing sent and no budget spent; budgets
// settled from receipts; the JSON-RPC endpoint itself; and a graceful shutdown.
import { type Account, type Call, hash, num, OutsideExecutionVersion, PaymasterRpc, type PreparedInvokeTransaction, type PreparedTransaction, RpcError, stark } from "starknet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRK_TOKEN_ADDRESS } from "../../../sdk/utils/fees.ts";
import type { PolicyRefusal } from "../../../relayer/src/rpc/errors.ts";
import { MAX_BATCH } from "../../../relayer/src/rpc/jsonRpc.ts";
import { type Relayer, startRelayer } from "../../../relayer/src/server.ts";
import { apiKeyUsage, type ApiKeyUsage } from "../../../relayer/src/sponsor/apiKeys.ts";
import { DEVNET_CHAIN_ID, deploySessionAccount, type DeployedSessionAccount, randomKeyPair, registerSession, sessionData, sessionSignedAccount } from "../../helpers/account.ts";
import { devnetProvider, fundedAccount, increaseBlockTime, latestBlockTime, rpcProvider } from "../../helpers/devnet.ts";
import { counterValue, deployCounter, tokenBalance } from "../../helpers/fixtures.ts";
import { PAY_IN_STRK, paymasterAccount, relayAndWait, SPONSORED, startTestRelayer, testRelayerConfig, type TestRelayer } from "../../helpers/relayer.ts";

/** Receives the default-mode fees: an address of its own, so its balance moves only by them. */
const FEE_RECIPIENT = num.toHex64(stark.randomAddress());
const TRANSFER_SELECTOR = hash.getSelectorFromName("transfer");

let relayer: TestRelayer;
let alice: DeployedSessionAccount;
let bob: DeployedSessionAccount;
let counter: string;
/** Alice's session: may call `increase` and the fee transfer. */
let session: { publicKey: string; privateKey: string; validUntil: number };

const increase = (amount = 1): Call => ({ contractAddress: counter, entrypoint: "increase", calldata: [amount] });

beforeAll(async () => {
  relayer = await startTestRelayer({ feeRecipient: FEE_RECIPIENT });
  alice = await deploySessionAccount();
  bob = await deploySessionAccount();
  counter = await deployCounter();
  const keys = randomKeyPair();
  session = { ...keys, validUntil: (await latestBlockTime()) + 6 * 3_600 };
  await registerSession(alice, { publicKey: keys.publicKey, validUntil: session.validUntil, maxCalls: 100, entrypoints: ["increase", "transfer"] });
});

afterAll(async () => {
  await relayer?.stop();
});

// --- what the relayer recorded, and what the chain shows ---------------------------------

async function query<Row extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<Row[]> {
  return (await relayer.relayer.context.db.query<Row>(text, values)).rows;
}

interface Relayed {
  trackingId: string;
  feeAmount: bigint | undefined;
  /** The outside execution the relayer built, and the user signed. */
  calls: { to: string; selector: string; calldata: string[] }[];
}

/** The request and build behind a relayed transaction hash. */
async function relayedByHash(transactionHash: string): Promise<Relayed> {
  const [row] = await query<{ tracking_id: string; fee_amount: string | null; outside_execution: { calls: Relayed["calls"] } }>(
    `SELECT r.tracking_id, b.fee_amount, b.outside_execution FROM transactions t
       JOIN requests r ON r.tracking_id = t.tracking_id
       JOIN builds b ON b.user_address = r.user_address AND b.message_hash = r.message_hash
      WHERE t.hash = $1`,
    [transactionHash],
  );
  if (!row) throw new Error(`the relayer recorded no transaction ${transactionHash}`);
  return { trackingId: row.tracking_id, feeAmount: row.fee_amount === null ? undefined : BigInt(row.fee_amount), calls: row.outside_execution.calls };
}

/** Waits for the tracker to close a request; returns its final status. */
async function settled(trackingId: string): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const [row] = await query<{ status: string }>("SELECT status FROM requests WHERE tracking_id = $1", [trackingId]);
    if (row && row.status !== "queued" && row.status !== "submitted") return row.status;
    if (Date.now() > deadline) throw new Error(`request ${trackingId} still ${row?.status ?? "unknown"} after 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** paymaster_trackingIdToLatestHash, through PaymasterRpc's raw fetch (it has no method of its own for it). */
async function latestHash(trackingId: unknown): Promise<unknown> {
  const response = await relayer.paymaster().fetch("paymaster_trackingIdToLatestHash", { tracking_id: trackingId });
  const { result, error } = (await response.json()) as { result?: unknown; error?: unknown };
  return result ?? { error };
}

async function actualFee(transactionHash: string): Promise<bigint> {
  const receipt = await rpcProvider().getTransactionReceipt(transactionHash);
  return BigInt((receipt.value as { actual_fee: { amount: string } }).actual_fee.amount);
}

interface Snapshot {
  apiKeyId: string | undefined;
  relayerNonces: string[];
  transactions: string;
  requests: string;
  counter: bigint;
  usage: ApiKeyUsage | undefined;
  accountBudgets: { user_address: string; spent_fri: string; reserved_fri: string }[];
}

/** Everything a refused request must leave as it was: on chain, in the relayer, in the sponsor's budget. */
async function snapshot(apiKeyId?: string): Promise<Snapshot> {
  const [relayerNonces, [counts], counterNow, usage, accountBudgets] = await Promise.all([
    Promise.all(relayer.relayer.context.pool.addresses.map((address) => rpcProvider().getNonceForAddress(address, "pre_confirmed"))),
    query<{ transactions: string; requests: string }>("SELECT (SELECT count(*) FROM transactions) AS transactions, (SELECT count(*) FROM requests) AS requests"),
    counterValue(counter),
    apiKeyId ? apiKeyUsage(relayer.relayer.context.db, apiKeyId) : undefined,
    apiKeyId ? query<Snapshot["accountBudgets"][number]>("SELECT user_address, spent_fri, reserved_fri FROM account_budgets WHERE api_key_id = $1 ORDER BY user_address", [apiKeyId]) : [],
  ]);
  return { apiKeyId, relayerNonces, transactions: counts?.transactions ?? "none", requests: counts?.requests ?? "none", counter: counterNow, usage, accountBudgets };
}

async function expectNothingSent(before: Snapshot): Promise<void> {
  expect(await snapshot(before.apiKeyId)).toStrictEqual(before);
}

interface Refusal {
  code: number;
  data: unknown;
}

/** The SNIP-29 error starknet.js's client threw. */
async function refusalOf(action: Promise<unknown>): Promise<Refusal> {
  try {
    await action;
  } catch (error) {
    if (error instanceof RpcError) return { code: error.baseError.code, data: (error.baseError as { data?: unknown }).data };
    throw error;
  }
  throw new Error("expected the paymaster to refuse, but it accepted");
}

/** A refusal under UNKNOWN_ERROR: its data starts with the stable reason. */
function expectPolicyRefusal(refusal: Refusal, reason: PolicyRefusal): void {
  expect(refusal.code).toBe(163);
  expect(typeof refusal.data === "string" && refusal.data.startsWith(`${reason}: `), `data: ${JSON.stringify(refusal.data)}`).toBe(true);
}

function ownerSigned(account: DeployedSessionAccount, apiKey?: string): Account {
  return paymasterAccount(account.address, account.ownerPrivateKey, relayer.paymaster(apiKey));
}

function sessionSigned(apiKey?: string): Account {
  return paymasterAccount(alice.address, sessionSignedAccount(alice.address, session.privateKey, session.validUntil).signer, relayer.paymaster(apiKey));
}

/** Signs a build and executes it as Account.executePaymasterTransaction does, keeping the tracking id. */
async function execute(user: Account, prepared: PreparedTransaction, apiKey?: string) {
  return relayer.paymaster(apiKey).executeTransaction(await user.preparePaymasterTransaction(prepared), prepared.parameters);
}

// --- 1. relaying ---------------------------------------------------------------------------

async function expectRelayedIncrease(signer: "owner" | "session", mode: "sponsored" | "default"): Promise<void> {
  const { id, secret } = await relayer.apiKey();
  const user = signer === "owner" ? ownerSigned(alice, mode === "sponsored" ? secret : undefined) : sessionSigned(mode === "sponsored" ? secret : undefined);
  const [counterBefore, userBefore, recipientBefore, sessionBefore] = await Promise.all([
    counterValue(counter),
    tokenBalance(STRK_TOKEN_ADDRESS, alice.address),
    tokenBalance(STRK_TOKEN_ADDRESS, FEE_RECIPIENT),
    sessionData(alice.address, session.publicKey),
  ]);

  const transactionHash = await relayAndWait(user, [increase(3)], mode === "sponsored" ? SPONSORED : PAY_IN_STRK);

  expect(await counterValue(counter)).toBe(counterBefore + 3n);
  // The account took it as the session's (one execution used) or the owner's (none).
  expect((await sessionData(alice.address, session.publicKey)).callsUsed).toBe(sessionBefore.callsUsed + (signer === "session" ? 1n : 0n));
  const relayed = await relayedByHash(transactionHash);
  const fee = relayed.feeAmount ?? 0n;
  if (mode === "default") {
    expect(fee).toBeGreaterThan(0n);
    // The signed outside execution: the user's call, then the fee transfer to the recipient.
    expect(relayed.calls).toHaveLength(2);
    expect(relayed.calls[1]).toStrictEqual({ to: STRK_TOKEN_ADDRESS, selector: TRANSFER_SELECTOR, calldata: [FEE_RECIPIENT, num.toHex(fee), "0x0"] });
  } else {
    expect(relayed.feeAmount).toBeUndefined();
    expect(relayed.calls).toHaveLength(1);
  }
  // The user pays exactly the signed transfer (the relayer pays the gas), the recipient receives it.
  expect(await tokenBalance(STRK_TOKEN_ADDRESS, alice.address)).toBe(userBefore - fee);
  expect(await tokenBalance(STRK_TOKEN_ADDRESS, FEE_RECIPIENT)).toBe(recipientBefore + fee);

  expect(await settled(relayed.trackingId)).toBe("accepted");
  expect(await latestHash(relayed.trackingId)).toStrictEqual({ transaction_hash: transactionHash, status: "accepted" });
  const sponsoredFee = mode === "sponsored" ? await actualFee(transactionHash) : 0n;
  expect(await apiKeyUsage(relayer.relayer.context.db, id)).toStrictEqual({ budgetFri: 10n * 10n ** 18n, spentFri: sponsoredFee, reservedFri: 0n });
}

describe("relays executions sent by starknet.js's Account and PaymasterRpc", () => {
  it("answers isAvailable and getSupportedTokens", async () => {
    const paymaster = relayer.paymaster();
    expect(await paymaster.isAvailable()).toBe(true);
    expect(await paymaster.getSupportedTokens()).toStrictEqual([{ token_address: STRK_TOKEN_ADDRESS, decimals: 18, priceInStrk: 10n ** 18n }]);
  });

  it("relays an owner-signed execution, sponsored", () => expectRelayedIncrease("owner", "sponsored"));
  it("relays an owner-signed execution, the user paying in STRK", () => expectRelayedIncrease("owner", "default"));
  it("relays a session-signed execution, sponsored", () => expectRelayedIncrease("session", "sponsored"));
  it("relays a session-signed execution, the user paying in STRK", () => expectRelayedIncrease("session", "default"));
});

// --- 2. refusals: each with SNIP-29's code, nothing sent, no budget spent ---------------------

function typedDataOf(prepared: PreparedTransaction): PreparedInvokeTransaction["typed_data"] {
  if (prepared.type !== "invoke") throw new Error(`expected an invoke build, got ${prepared.type}`);
  return prepared.typed_data;
}

interface OutsideMessage {
  Caller: string;
  Nonce: string;
  "Execute After": number | string;
  "Execute Before": number | string;
  Calls: { To: string; Selector: string; Calldata: string[] }[];
}

describe("refuses what it must not relay, sending nothing and spending no budget", () => {
  it("refuses a signature by a key that is not the owner's with INVALID_SIGNATURE (153)", async () => {
    const { id, secret } = await relayer.apiKey();
    const impostor = paymasterAccount(alice.address, randomKeyPair().privateKey, relayer.paymaster(secret));
    const before = await snapshot(id);
    expect(await refusalOf(impostor.executePaymasterTransaction([increase()], SPONSORED))).toStrictEqual({ code: 153, data: { reason: "INVALID_SIGNATURE" } });
    await expectNothingSent(before);
  });

  it("refuses an execution whose window closed after it was built with INVALID_TIME_BOUNDS (157)", async () => {
    const { id, secret } = await relayer.apiKey();
    const user = ownerSigned(alice, secret);
    const now = await latestBlockTime();
    const prepared = await user.buildPaymasterTransaction([increase()], { ...SPONSORED, timeBounds: { executeAfter: now - 60, executeBefore: now + 60 } });
    await increaseBlockTime(90);
    const before = await snapshot(id);
    const refusal = await refusalOf(execute(user, prepared, secret));
    expect(refusal.code).toBe(157);
    expect(refusal.data).toMatch(new RegExp(`^the execution window closed at ${now + 60} \\(chain time \\d+\\)$`));
    await expectNothingSent(before);
  });

  it("refuses an execution whose window has not opened yet with INVALID_TIME_BOUNDS (157)", async () => {
    const { id, secret } = await relayer.apiKey();
    const user = ownerSigned(alice, secret);
    const now = await latestBlockTime();
    const prepared = await user.buildPaymasterTransaction([increase()], { ...SPONSORED, timeBounds: { executeAfter: now + 600, executeBefore: now + 1_200 } });
    const before = await snapshot(id);
    const refusal = await refusalOf(execute(user, prepared, secret));
    expect(refusal.code).toBe(157);
    expect(refusal.data).toMatch(new RegExp(`^the execution window opens at ${now + 600} `));
    await expectNothingSent(before);
  });

  it("refuses to build a window that leaves no time to relay with INVALID_TIME_BOUNDS (157)", async () => {
    const now = await latestBlockTime();
    const before = await snapshot();
    const refusal = await refusalOf(ownerSigned(alice).buildPaymasterTransaction([increase()], { ...PAY_IN_STRK, timeBounds: { executeAfter: now - 60, executeBefore: now + 20 } }));
    expect(refusal.code).toBe(157);
    expect(refusal.data).toMatch(/^execute_before \d+ leaves no time to relay/);
    await expectNothingSent(before);
  });

  it("refuses the same signed typed data a second time with TRANSACTION_EXECUTION_ERROR (156) NONCE_USED", async () => {
    const { id, secret } = await relayer.apiKey();
    const user = ownerSigned(alice, secret);
    const prepared = await user.buildPaymasterTransaction([increase()], SPONSORED);
    const signed = await user.preparePaymasterTransaction(prepared);
    const first = await relayer.paymaster(secret).executeTransaction(signed, prepared.parameters);
    expect(await settled(first.tracking_id)).toBe("accepted");
    const before = await snapshot(id);
    expect(await refusalOf(relayer.paymaster(secret).executeTransaction(signed, prepared.parameters))).toStrictEqual({
      code: 156,
      data: { execution_error: `this outside execution was already submitted (tracking id ${first.tracking_id})`, reason: "NONCE_USED", tracking_id: first.tracking_id },
    });
    await expectNothingSent(before);
  });

  it("refuses an execution whose outside-execution nonce someone else used on chain with TRANSACTION_EXECUTION_ERROR (156) NONCE_USED", async () => {
    const { id, secret } = await relayer.apiKey();
    const user = ownerSigned(alice, secret);
    const prepared = await user.buildPaymasterTransaction([increase()], SPONSORED);
    const signed = await user.preparePaymasterTransaction(prepared);
    if (signed.type !== "invoke") throw new Error("expected an invoke");
    // Anyone holding the signed typed data may submit it first (SNIP-9's ANY_CALLER).
    const message = typedDataOf(prepared).message as unknown as OutsideMessage;
    const frontRunner = await fundedAccount(2);
    const { transaction_hash } = await frontRunner.executeFromOutside({
      outsideExecution: {
        caller: message.Caller,
        nonce: message.Nonce,
        execute_after: message["Execute After"],
        execute_before: message["Execute Before"],
        calls: message.Calls.map((call) => ({ to: call.To, selector: call.Selector, calldata: call.Calldata })),
      },
      signature: signed.invoke.signature,
      signerAddress: alice.address,
      version: OutsideExecutionVersion.V2,
    });
    expect((await rpcProvider().waitForTransaction(transaction_hash)).isSuccess()).toBe(true);
    const before = await snapshot(id);
    const refusal = await refusalOf(relayer.paymaster(secret).executeTransaction(signed, prepared.parameters));
    expect(refusal.code).toBe(156);
    expect((refusal.data as { reason?: unknown }).reason).toBe("NONCE_USED");
    await expectNothingSent(before);
  });

  it("refuses a gas token it does not take with TOKEN_NOT_SUPPORTED (151)", async () => {
    const before = await snapshot();
    const refusal = await refusalOf(ownerSigned(alice).executePaymasterTransaction([increase()], { feeMode: { mode: "default", gasToken: counter } }));
    expect(refusal).toStrictEqual({ code: 151, data: undefined });
    await expectNothingSent(before);
  });

  it("sends nothing when the fee is above the client's maxFee (starknet.js refuses before executing)", async () => {
    const unexecutedBuilds = async () => (await query<{ count: string }>("SELECT count(*) FROM builds WHERE user_address = $1 AND tracking_id IS NULL", [num.toHex64(alice.address)]))[0]?.count;
    const buildsBefore = Number(await unexecutedBuilds());
    const before = await snapshot();
    await expect(ownerSigned(alice).executePaymasterTransaction([increase()], PAY_IN_STRK, 1n)).rejects.toThrow("Gas token price is too high");
    await expectNothingSent(before);
    expect(Number(await unexecutedBuilds())).toBe(buildsBefore + 1);
  });

  it("refuses a signed fee transfer that no longer covers the fee (gas price rose since the build) with MAX_AMOUNT_TOO_LOW (154)", async () => {
    const user = ownerSigned(alice);
    const prepared = await user.buildPaymasterTransaction([increase()], PAY_IN_STRK);
    const signed = await user.preparePaymasterTransaction(prepared);
    const { l2_gas_price } = await rpcProvider().getBlockWithTxHashes("latest");
    const l2GasPrice = BigInt(l2_gas_price.price_in_fri);
    const before = await snapshot();
    // The build suggested 1.5x its estimate; at 4x the L2 gas price the transfer falls short.
    await devnetProvider().setGasPrice({ l2GasPrice: l2GasPrice * 4n }, true);
    try {
      const refusal = await refusalOf(relayer.paymaster().executeTransaction(signed, prepared.parameters));
      expect(refusal.code).toBe(154);
      expect(refusal.data).toMatch(new RegExp(`^the signed fee transfer of ${BigInt(prepared.fee.suggested_max_fee_in_gas_token)} no longer covers the estimated fee of \\d+ \\(build again\\)$`));
    } finally {
      await devnetProvider().setGasPrice({ l2GasPrice }, true);
    }
    await expectNothingSent(before);
  });

  it("refuses to sponsor a call to a contract the key does not allow with TARGET_NOT_ALLOWED (163)", async () => {
    const { id, secret } = await relayer.apiKey({ allowedTargets: [bob.address] });
    const before = await snapshot(id);
    expectPolicyRefusal(await refusalOf(ownerSigned(alice, secret).executePaymasterTransaction([increase()], SPONSORED)), "TARGET_NOT_ALLOWED");
    await expectNothingSent(before);
  });

  it("refuses to sponsor beyond the key's budget with BUDGET_EXHAUSTED (163)", async () => {
    const { id, secret } = await relayer.apiKey({ budgetFri: 1_000n });
    const before = await snapshot(id);
    expectPolicyRefusal(await refusalOf(ownerSigned(alice, secret).executePaymasterTransaction([increase()], SPONSORED)), "BUDGET_EXHAUSTED");
    await expectNothingSent(before);
  });

  it("refuses to sponsor beyond the account's share of the budget with ACCOUNT_BUDGET_EXHAUSTED (163)", async () => {
    const { id, secret } = await relayer.apiKey({ perAccountBudgetFri: 1_000n });
    const before = await snapshot(id);
    expectPolicyRefusal(await refusalOf(ownerSigned(alice, secret).executePaymasterTransaction([increase()], SPONSORED)), "ACCOUNT_BUDGET_EXHAUSTED");
    await expectNothingSent(before);
  });

  it.each([
    ["calls", (message: OutsideMessage) => void ((message.Calls[0] as OutsideMessage["Calls"][number]).Calldata = ["0x64"])],
    ["window", (message: OutsideMessage) => void (message["Execute Before"] = Number(message["Execute Before"]) + 3_600)],
  ])("refuses a typed data whose %s changed after the build, signed by the user, with INVALID_SIGNATURE (153)", async (_part, tamper) => {
    const { id, secret } = await relayer.apiKey();
    const user = ownerSigned(alice, secret);
    const prepared = await user.buildPaymasterTransaction([increase()], SPONSORED);
    const tampered = structuredClone(typedDataOf(prepared));
    tamper(tampered.message as unknown as OutsideMessage);
    const before = await snapshot(id);
    expect(await refusalOf(execute(user, { type: "invoke", typed_data: tampered, parameters: prepared.parameters, fee: prepared.fee }, secret))).toStrictEqual({
      code: 153,
      data: "the typed data is not one this paymaster built for this account (altered, or built elsewhere)",
    });
    await expectNothingSent(before);
  });

  it("refuses a typed data built for another account with INVALID_SIGNATURE (153)", async () => {
    const { id, secret } = await relayer.apiKey();
    const prepared = await ownerSigned(alice, secret).buildPaymasterTransaction([increase()], SPONSORED);
    const before = await snapshot(id);
    expect(await refusalOf(execute(ownerSigned(bob, secret), prepared, secret))).toStrictEqual({
      code: 153,
      data: "the typed data is not one this paymaster built for this account (altered, or built elsewhere)",
    });
    await expectNothingSent(before);
  });

  it("refuses a typed data built under another API key with API_KEY_MISMATCH (163)", async () => {
    const first = await relayer.apiKey();
    const second = await relayer.apiKey();
    const user = ownerSigned(alice, first.secret);
    const prepared = await user.buildPaymasterTransaction([increase()], SPONSORED);
    const before = await snapshot(first.id);
    expectPolicyRefusal(await refusalOf(execute(user, prepared, second.secret)), "API_KEY_MISMATCH");
    await expectNothingSent(before);
    expect(await apiKeyUsage(relayer.relayer.context.db, second.id)).toStrictEqual({ budgetFri: 10n * 10n ** 18n, spentFri: 0n, reservedFri: 0n });
  });

  it("refuses to sponsor without an API key with API_KEY_REQUIRED (163)", async () => {
    const before = await snapshot();
    expectPolicyRefusal(await refusalOf(ownerSigned(alice).executePaymasterTransaction([increase()], SPONSORED)), "API_KEY_REQUIRED");
    await expectNothingSent(before);
  });

  it("refuses an unknown API key with API_KEY_INVALID (163)", async () => {
    const before = await snapshot();
    expectPolicyRefusal(await refusalOf(ownerSigned(alice, "rk_not-a-key").executePaymasterTransaction([increase()], SPONSORED)), "API_KEY_INVALID");
    await expectNothingSent(before);
  });

  it("refuses the request after a key's requests per minute with RATE_LIMITED (163) and HTTP 429", async () => {
    const { id, secret } = await relayer.apiKey({ requestsPerMinute: 2 });
    // The windows are calendar minutes of the database's clock: start well inside one.
    const [clock] = await query<{ second: number }>("SELECT extract(second FROM now())::float8 AS second");
    if ((clock?.second ?? 0) > 55) await new Promise((resolve) => setTimeout(resolve, (61 - (clock?.second ?? 0)) * 1_000));
    const params = {
      transaction: { type: "invoke", invoke: { user_address: alice.address, calls: [{ to: counter, selector: hash.getSelectorFromName("increase"), calldata: ["0x1"] }] } },
      parameters: { version: "0x1", fee_mode: { mode: "sponsored" } },
    };
    const before = await snapshot(id);
    const answers = [];
    for (let request = 0; request < 3; request += 1) {
      const response = await relayer.paymaster(secret).fetch("paymaster_buildTransaction", params);
      answers.push({ status: response.status, body: (await response.json()) as { result?: unknown; error?: Refusal } });
    }
    expect(answers.map((answer) => answer.status)).toStrictEqual([200, 200, 429]);
    expect(answers[0]?.body.result).toBeDefined();
    expect(answers[1]?.body.result).toBeDefined();
    const refusal = answers[2]?.body.error;
    if (!refusal) throw new Error(`the third request was not refused: ${JSON.stringify(answers[2]?.body)}`);
    expectPolicyRefusal(refusal, "RATE_LIMITED");
    await expectNothingSent(before);
  });

  it("refuses a session key the account never registered with INVALID_SIGNATURE (153) NOT_REGISTERED", async () => {
    const { id, secret } = await relayer.apiKey();
    const stranger = randomKeyPair();
    const user = paymasterAccount(alice.address, sessionSignedAccount(alice.address, stranger.privateKey, session.validUntil).signer, relayer.paymaster(secret));
    const before = await snapshot(id);
    expect(await refusalOf(user.executePaymasterTransaction([increase()], SPONSORED))).toStrictEqual({ code: 153, data: { reason: "NOT_REGISTERED" } });
    await expectNothingSent(before);
  });

  it("refuses a session whose whitelist lacks the fee transfer with TRANSACTION_EXECUTION_ERROR (156) ENTRYPOINT_NOT_ALLOWED", async () => {
    const keys = randomKeyPair();
    const validUntil = (await latestBlockTime()) + 3_600;
    await registerSession(alice, { publicKey: keys.publicKey, validUntil, maxCalls: 10, entrypoints: ["increase"] });
    const user = paymasterAccount(alice.address, sessionSignedAccount(alice.address, keys.privateKey, validUntil).signer, relayer.paymaster());
    const before = await snapshot();
    const refusal = await refusalOf(user.executePaymasterTransaction([increase()], PAY_IN_STRK));
    expect(refusal.code).toBe(156);
    expect((refusal.data as { reason?: unknown }).reason).toBe("ENTRYPOINT_NOT_ALLOWED");
    await expectNothingSent(before);
    expect((await sessionData(alice.address, keys.publicKey)).callsUsed).toBe(0n);
  });

  it("refuses a user address with no contract with INVALID_ADDRESS (150)", async () => {
    const nobody = num.toHex64(stark.randomAddress());
    const before = await snapshot();
    const refusal = await refusalOf(relayer.paymaster().buildTransaction({ type: "invoke", invoke: { userAddress: nobody, calls: [increase()] } }, { version: "0x1", feeMode: PAY_IN_STRK.feeMode }));
    expect(refusal).toStrictEqual({ code: 150, data: `no contract is deployed at ${nobody}` });
    await expectNothingSent(before);
  });

  it("refuses a contract without SNIP-9 V2 as the user with CLASS_HASH_NOT_SUPPORTED (155)", async () => {
    const before = await snapshot();
    const refusal = await refusalOf(relayer.paymaster().buildTransaction({ type: "invoke", invoke: { userAddress: counter, calls: [increase()] } }, { version: "0x1", feeMode: PAY_IN_STRK.feeMode }));
    expect(refusal).toStrictEqual({ code: 155, data: `${num.toHex64(counter)} does not declare SNIP-9 V2 outside execution through SRC-5` });
    await expectNothingSent(before);
  });

  it.each([
    ["deploy", [] as Call[]],
    ["deploy_and_invoke", [{ contractAddress: STRK_TOKEN_ADDRESS, entrypoint: "transfer", calldata: [FEE_RECIPIENT, 1, 0] }]],
  ])("refuses a %s transaction with INVALID_DEPLOYMENT_DATA (158)", async (_type, calls) => {
    const undeployed = num.toHex64(stark.randomAddress());
    const deploymentData = { address: undeployed, class_hash: num.toHex(stark.randomAddress()), salt: "0x1", calldata: ["0x2"], version: 1 as const };
    const before = await snapshot();
    const refusal = await refusalOf(paymasterAccount(undeployed, randomKeyPair().privateKey, relayer.paymaster()).executePaymasterTransaction(calls, { ...PAY_IN_STRK, deploymentData }));
    expect(refusal).toStrictEqual({ code: 158, data: 'this paymaster relays "invoke" transactions of deployed accounts only' });
    await expectNothingSent(before);
  });

  it("refuses to build calls that would fail with TRANSACTION_EXECUTION_ERROR (156) naming the failing contract", async () => {
    const before = await snapshot();
    const refusal = await refusalOf(ownerSigned(alice).buildPaymasterTransaction([{ contractAddress: counter, entrypoint: "fail", calldata: [] }], PAY_IN_STRK));
    expect(refusal.code).toBe(156);
    expect((refusal.data as { contract_address?: unknown }).contract_address).toBe(num.toHex64(counter));
    await expectNothingSent(before);
  });

  it("answers an unknown or malformed tracking id with INVALID_ID (160)", async () => {
    expect(await latestHash(num.toHex(stark.randomAddress()))).toStrictEqual({ error: { code: 160, message: "An error occurred (INVALID_ID)" } });
    expect(await latestHash("not a felt")).toStrictEqual({ error: { code: 160, message: "An error occurred (INVALID_ID)", data: "tracking_id must be a felt" } });
  });
});

// --- 3. budgets --------------------------------------------------------------------------

describe("settles sponsors' budgets from receipts", () => {
  it("charges the key and each account the receipts' actual fees, with nothing left reserved", async () => {
    const { id, secret } = await relayer.apiKey({ perAccountBudgetFri: 10n ** 18n });
    const hashes = new Map<string, string[]>();
    for (const account of [alice, bob, alice]) {
      const transactionHash = await relayAndWait(ownerSigned(account, secret), [increase()], SPONSORED);
      hashes.set(num.toHex64(account.address), [...(hashes.get(num.toHex64(account.address)) ?? []), transactionHash]);
    }
    const spent = new Map<string, bigint>();
    for (const [userAddress, ofUser] of hashes) {
      for (const transactionHash of ofUser) {
        expect(await settled((await relayedByHash(transactionHash)).trackingId)).toBe("accepted");
        spent.set(userAddress, (spent.get(userAddress) ?? 0n) + (await actualFee(transactionHash)));
      }
    }
    const total = [...spent.values()].reduce((sum, fee) => sum + fee, 0n);
    expect(await apiKeyUsage(relayer.relayer.context.db, id)).toStrictEqual({ budgetFri: 10n * 10n ** 18n, spentFri: total, reservedFri: 0n });
    const accountBudgets = await query<{ user_address: string; spent_fri: string; reserved_fri: string }>("SELECT user_address, spent_fri, reserved_fri FROM account_budgets WHERE api_key_id = $1 ORDER BY user_address", [id]);
    expect(accountBudgets).toStrictEqual(
      [...spent.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([userAddress, fee]) => ({ user_address: userAddress, spent_fri: fee.toString(), reserved_fri: "0" })),
    );
  });
});

// --- 4. the JSON-RPC endpoint ------------------------------------------------------------

async function post(body: string, url = relayer.url): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

const rpc = (method: string, params?: unknown, id: number | string = 1) => JSON.stringify({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) });

describe("speaks JSON-RPC 2.0 over HTTP", () => {
  it("answers a body that is not JSON with a parse error (-32700)", async () => {
    expect(await post('{"jsonrpc": "2.0", "method": ')).toStrictEqual({ status: 200, body: { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } } });
  });

  it.each([
    ["a wrong jsonrpc version", { jsonrpc: "1.0", id: 7, method: "paymaster_isAvailable" }, 7],
    ["no method", { jsonrpc: "2.0", id: 7 }, 7],
    ["an id that is an object", { jsonrpc: "2.0", id: { n: 1 }, method: "paymaster_isAvailable" }, null],
    ["a request that is not an object", 42, null],
  ])("answers %s with an invalid request (-32600)", async (_case, request, id) => {
    expect(await post(JSON.stringify(request))).toStrictEqual({ status: 200, body: { jsonrpc: "2.0", id, error: { code: -32600, message: "Invalid Request" } } });
  });

  it.each(["starknet_chainId", "toString", "__proto__"])("answers the unknown method %s with method not found (-32601)", async (method) => {
    expect(await post(rpc(method, undefined, "x"))).toStrictEqual({ status: 200, body: { jsonrpc: "2.0", id: "x", error: { code: -32601, message: "Method not found", data: method } } });
  });

  it.each([
    ["no params", undefined, "params must be an object"],
    ["a wrong version", { transaction: { type: "invoke", invoke: {} }, parameters: { version: "0x2", fee_mode: { mode: "sponsored" } } }, 'parameters.version must be "0x1"'],
    ["no calls", { transaction: { type: "invoke", invoke: { user_address: "0x1", calls: [] } }, parameters: { version: "0x1", fee_mode: { mode: "sponsored" } } }, "transaction.invoke.calls must hold 1 to 32 calls"],
    ["a decimal selector", { transaction: { type: "invoke", invoke: { user_address: "0x1", calls: [{ to: "0x2", selector: "12", calldata: [] }] } }, parameters: { version: "0x1", fee_mode: { mode: "sponsored" } } }, "transaction.invoke.calls[0].selector must be a felt in hex (0x…)"],
    ["an unknown fee mode", { transaction: { type: "invoke", invoke: {} }, parameters: { version: "0x1", fee_mode: { mode: "free" } } }, 'parameters.fee_mode.mode must be "sponsored" or "default"'],
  ])("answers a build with %s with invalid params (-32602)", async (_case, params, detail) => {
    expect(await post(rpc("paymaster_buildTransaction", params))).toStrictEqual({ status: 200, body: { jsonrpc: "2.0", id: 1, error: { code: -32602, message: "Invalid params", data: detail } } });
  });

  it("answers a batch of two requests in order", async () => {
    const batch = `[${rpc("paymaster_isAvailable", undefined, 1)},${rpc("paymaster_getSupportedTokens", undefined, 2)}]`;
    expect(await post(batch)).toStrictEqual({
      status: 200,
      body: [
        { jsonrpc: "2.0", id: 1, result: true },
        { jsonrpc: "2.0", id: 2, result: [{ token_address: STRK_TOKEN_ADDRESS, decimals: 18, price_in_strk: "0xde0b6b3a7640000" }] },
      ],
    });
  });

  it.each([0, MAX_BATCH + 1])("refuses a batch of %i requests whole (-32600)", async (size) => {
    const batch = `[${Array.from({ length: size }, (_, index) => rpc("paymaster_isAvailable", undefined, index)).join(",")}]`;
    expect(await post(batch)).toStrictEqual({ status: 200, body: { jsonrpc: "2.0", id: null, error: { code: -32600, message: "Invalid Request", data: `a batch holds 1 to ${MAX_BATCH} requests` } } });
  });

  it("answers notifications (no id) with no content, even a failing one", async () => {
    expect(await post(JSON.stringify({ jsonrpc: "2.0", method: "paymaster_isAvailable" }))).toStrictEqual({ status: 204, body: undefined });
    expect(await post(JSON.stringify({ jsonrpc: "2.0", method: "starknet_chainId" }))).toStrictEqual({ status: 204, body: undefined });
    expect(await post(`[${JSON.stringify({ jsonrpc: "2.0", method: "paymaster_isAvailable" })},${rpc("paymaster_isAvailable", undefined, 3)}]`)).toStrictEqual({
      status: 200,
      body: [{ jsonrpc: "2.0", id: 3, result: true }],
    });
  });

  it("refuses a body above the size limit before parsing it (HTTP 413)", async () => {
    expect((await fetch(relayer.url, { method: "POST", headers: { "content-type": "application/json" }, body: `"${"a".repeat(600 * 1024)}"` })).status).toBe(413);
  });

  it("reports its health on GET /health", async () => {
    const response = await fetch(`${relayer.url}/health`);
    expect({ status: response.status, body: await response.json() }).toStrictEqual({ status: 200, body: { status: "ok", chainId: DEVNET_CHAIN_ID, relayerAccounts: 3 } });
  });
});

// --- 5. graceful shutdown ----------------------------------------------------------------

/**
 * Runs `scenario` with a second relayer process on the same database (as processes scale
 * out) and a lock held on the user's builds rows: an execute sent to that process parks at
 * its first write, so close() lands while it is in flight. Everything is let go afterwards,
 * whatever happened.
 */
async function withExecuteParked(userAddress: string, scenario: (second: Relayer, parked: () => Promise<void>, release: () => Promise<void>) => Promise<void>): Promise<void> {
  const second = await startRelayer(await testRelayerConfig(relayer.database.url, { feeRecipient: FEE_RECIPIENT }), { logger: { level: process.env.RELAYER_LOG_LEVEL ?? "silent" } });
  const lock = await relayer.relayer.context.db.pool.connect();
  let locked = true;
  const release = async () => {
    if (!locked) return;
    locked = false;
    await lock.query("COMMIT");
    lock.release();
  };
  const parked = async () => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [row] = await query<{ waiting: string }>("SELECT count(*) AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE builds SET tracking_id%'");
      if (row?.waiting === "1") return;
      if (Date.now() > deadline) throw new Error("the execute never reached its first write");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  try {
    await lock.query("BEGIN");
    await lock.query("SELECT 1 FROM builds WHERE user_address = $1 FOR UPDATE", [num.toHex64(userAddress)]);
    await scenario(second, parked, release);
  } finally {
    await release();
    await second.close();
  }
}

async function expectRecorded(trackingId: string, transactionHash: string): Promise<void> {
  expect((await rpcProvider().waitForTransaction(transactionHash)).isSuccess()).toBe(true);
  // The first process's tracker settles what the stopped one sent.
  expect(await settled(trackingId)).toBe("accepted");
  expect(await query("SELECT hash, status FROM transactions WHERE tracking_id = $1", [trackingId])).toStrictEqual([{ hash: transactionHash, status: "accepted" }]);
}

describe("stops gracefully", () => {
  it("finishes an execute in flight when close() is called: the transaction is sent and recorded", async () => {
    const { secret } = await relayer.apiKey();
    const user = ownerSigned(alice, secret);
    const prepared = await user.buildPaymasterTransaction([increase()], SPONSORED);
    const signed = await user.preparePaymasterTransaction(prepared);
    const counterBefore = await counterValue(counter);
    await withExecuteParked(alice.address, async (second, parked, release) => {
      const inFlight = new PaymasterRpc({ nodeUrl: second.url, headers: { "x-paymaster-api-key": secret } }).executeTransaction(signed, prepared.parameters);
      await parked();

      const closing = second.close();
      expect(second.context.shuttingDown()).toBe(true);
      // The listener is closed: a new connection is refused at once.
      await expect(fetch(`${second.url}/health`)).rejects.toThrow("fetch failed");
      await release();

      const { tracking_id, transaction_hash } = await inFlight;
      // Promptly: the answered connection is closed, not kept alive until its timeout.
      const answered = Date.now();
      await closing;
      expect(Date.now() - answered).toBeLessThan(5_000);
      await expectRecorded(tracking_id, transaction_hash);
      expect(await counterValue(counter)).toBe(counterBefore + 1n);
    });
  });

  it("refuses what comes after close() in a batch already accepted: isAvailable false, new executes SHUTTING_DOWN (HTTP 503)", async () => {
    const { secret } = await relayer.apiKey();
    const signedRequest = async (account: DeployedSessionAccount) => {
      const user = ownerSigned(account, secret);
      const prepared = await user.buildPaymasterTransaction([increase()], SPONSORED);
      const signed = await user.preparePaymasterTransaction(prepared);
      if (signed.type !== "invoke" || !prepared.parameters.timeBounds) throw new Error("expected an invoke with its window");
      // The params as PaymasterRpc.executeTransaction sends them (it sends no batches itself).
      const params = {
        transaction: { type: "invoke", invoke: { user_address: account.address, typed_data: signed.invoke.typedData, signature: signed.invoke.signature } },
        parameters: { version: "0x1", fee_mode: { mode: "sponsored" }, time_bounds: { execute_after: prepared.parameters.timeBounds.executeAfter, execute_before: prepared.parameters.timeBounds.executeBefore } },
      };
      return { prepared, signed, params };
    };
    const first = await signedRequest(alice);
    const later = await signedRequest(bob);
    await withExecuteParked(alice.address, async (second, parked, release) => {
      const response = fetch(second.url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-paymaster-api-key": secret },
        body: `[${rpc("paymaster_executeTransaction", first.params, 1)},${rpc("paymaster_isAvailable", undefined, 2)},${rpc("paymaster_executeTransaction", later.params, 3)}]`,
      });
      await parked();
      const closing = second.close();
      await release();

      const answer = await response;
      const body = (await answer.json()) as [{ result?: { tracking_id: string; transaction_hash: string } }, unknown, unknown];
      const answered = Date.now();
      await closing;
      expect(Date.now() - answered).toBeLessThan(5_000);
      expect(answer.status).toBe(503);
      expect(body).toHaveLength(3);
      expect(body[1]).toStrictEqual({ jsonrpc: "2.0", id: 2, result: false });
      expect(body[2]).toStrictEqual({
        jsonrpc: "2.0",
        id: 3,
        error: { code: 163, message: "An error occurred (UNKNOWN_ERROR)", data: "SHUTTING_DOWN: this relayer process is stopping; send the request again (to another process)" },
      });
      const relayed = body[0].result;
      if (!relayed) throw new Error(`the execute in flight was not relayed: ${JSON.stringify(body[0])}`);
      await expectRecorded(relayed.tracking_id, relayed.transaction_hash);
    });
    // As the refusal says: the same signed request goes through another process.
    const { tracking_id, transaction_hash } = await relayer.paymaster(secret).executeTransaction(later.signed, later.prepared.parameters);
    await expectRecorded(tracking_id, transaction_hash);
  });
});

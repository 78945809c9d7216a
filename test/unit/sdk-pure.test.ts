// The SDK's pure parts: key creation, the session signer's layout, errors, inputs, exports.
import { constants, ec, hash, num, shortString, OutsideExecutionVersion, outsideExecution, transaction, typedData, type InvocationsSignerDetails } from "starknet";
import { describe, expect, it } from "vitest";
import * as sdk from "../../sdk/index.ts";
import {
  createSessionKey,
  decryptPrivateKey,
  errorFromReason,
  normalizeCalls,
  REASON_CODES,
  SESSION_ERROR_CODES,
  SessionError,
  SessionSigner,
  sessionMessageHash,
  toSelector,
  toSessionError,
  worstCaseFee,
} from "../../sdk/index.ts";

describe("createSessionKey", () => {
  it("creates a key whose encrypted private key decrypts to the public key's pair", async () => {
    const created = await createSessionKey({ encryptKey: "2468-game-pin", durationSeconds: 3_600, now: 1_700_000_000 });
    expect(created.validUntil).toBe(1_700_003_600);
    const privateKey = await decryptPrivateKey(created.encryptedPrivateKey, "2468-game-pin");
    expect(ec.starkCurve.getStarkKey(privateKey)).toBe(created.publicKey);
  });

  it("defaults to 6 hours", async () => {
    const created = await createSessionKey({ encryptKey: "2468-game-pin", now: 100 });
    expect(created.validUntil).toBe(100 + 21_600);
  });

  it("refuses bad durations with a clear message", async () => {
    for (const durationSeconds of [0, -5, 1.5, Number.NaN, 31 * 24 * 3600]) {
      await expect(createSessionKey({ encryptKey: "2468-game-pin", durationSeconds })).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringMatching(/durationSeconds/) });
    }
  });
});

describe("SessionSigner", () => {
  const privateKey = "0x" + "2a".repeat(31);
  const account = "0x123";
  const chainId = constants.StarknetChainId.SN_SEPOLIA;
  const signerFor = (overrides: Partial<ConstructorParameters<typeof SessionSigner>[0]> = {}) =>
    new SessionSigner({ privateKey, validUntil: 1_800_000_000, generation: 3, accountAddress: account, chainId, ...overrides });
  const details: InvocationsSignerDetails = {
    walletAddress: account,
    chainId,
    cairoVersion: "1",
    version: "0x3",
    nonce: 7,
    resourceBounds: { l1_gas: { max_amount: 0n, max_price_per_unit: 1n }, l2_gas: { max_amount: 10n ** 7n, max_price_per_unit: 10n ** 9n }, l1_data_gas: { max_amount: 1_000n, max_price_per_unit: 1n } },
    tip: 0,
    paymasterData: [],
    accountDeploymentData: [],
    nonceDataAvailabilityMode: "L1",
    feeDataAvailabilityMode: "L1",
  };
  const calls = [{ contractAddress: "0x456", entrypoint: "transfer", calldata: ["0x1", "0x2", "0x0"] }];
  const verifies = (signature: string[], message: string) =>
    ec.starkCurve.verify(new ec.starkCurve.Signature(BigInt(signature[1] as string), BigInt(signature[2] as string)), message, ec.starkCurve.getPublicKey(privateKey));

  it("signs poseidon(transaction hash, generation), laid out as [pubkey, r, s, valid_until]", async () => {
    const signature = (await signerFor().signTransaction(calls, details)) as string[];
    const txHash = hash.calculateInvokeTransactionHash({
      ...details,
      senderAddress: account,
      version: "0x3",
      compiledCalldata: transaction.getExecuteCalldata(calls, "1"),
      nonceDataAvailabilityMode: 0,
      feeDataAvailabilityMode: 0,
    } as never);
    expect(signature).toHaveLength(4);
    expect(signature[0]).toBe(ec.starkCurve.getStarkKey(privateKey));
    expect(BigInt(signature[3] as string)).toBe(1_800_000_000n);
    expect(verifies(signature, sessionMessageHash(txHash, 3))).toBe(true);
    // Not the bare hash, and not another registration's.
    expect(verifies(signature, txHash)).toBe(false);
    expect(verifies(signature, sessionMessageHash(txHash, 2))).toBe(false);
    expect(sessionMessageHash(txHash, 3)).toBe(num.toHex(hash.computePoseidonHash(txHash, 3)));
  });

  it("signs only for its own account and chain", async () => {
    await expect(signerFor().signTransaction(calls, { ...details, walletAddress: "0x124" })).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
    await expect(signerFor().signTransaction(calls, { ...details, chainId: constants.StarknetChainId.SN_MAIN })).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
    const mainnet = outsideExecution.getTypedData(constants.StarknetChainId.SN_MAIN, { caller: shortString.encodeShortString("ANY_CALLER"), execute_after: 1, execute_before: 2_000_000_000 }, 5, calls, OutsideExecutionVersion.V2);
    await expect(signerFor().signMessage(mainnet, account)).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
    const sepolia = outsideExecution.getTypedData(chainId, { caller: shortString.encodeShortString("ANY_CALLER"), execute_after: 1, execute_before: 2_000_000_000 }, 5, calls, OutsideExecutionVersion.V2);
    await expect(signerFor().signMessage(sepolia, "0x999")).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
  });

  it("refuses a tip above maxTip (default 0) and bounds whose worst case exceeds maxFee", async () => {
    await expect(signerFor().signTransaction(calls, { ...details, tip: 1 })).rejects.toMatchObject({ code: "FEE_LIMIT_EXCEEDED" });
    // The lying-node case: a tip of 10^14 per L2 gas unit.
    await expect(signerFor({ maxTip: 10n ** 14n }).signTransaction(calls, { ...details, tip: 10n ** 14n })).rejects.toMatchObject({ code: "FEE_LIMIT_EXCEEDED" });
    // Worst case here is 10^7 * 10^9 + 1,000 = 10^16 + 1,000 FRI.
    await expect(signerFor({ maxFee: 10n ** 16n }).signTransaction(calls, details)).rejects.toMatchObject({ code: "FEE_LIMIT_EXCEEDED" });
    expect(await signerFor({ maxFee: 10n ** 16n + 1_000n }).signTransaction(calls, details)).toHaveLength(4);
    expect(worstCaseFee(details.resourceBounds, 5n)).toBe(10n ** 16n + 1_000n + 5n * 10n ** 7n);
  });

  it("signs SNIP-9 V2 typed data over poseidon(message hash, generation)", async () => {
    const data = outsideExecution.getTypedData(chainId, { caller: shortString.encodeShortString("ANY_CALLER"), execute_after: 1, execute_before: 2_000_000_000 }, 5, calls, OutsideExecutionVersion.V2);
    const signature = (await signerFor().signMessage(data, account)) as string[];
    const messageHash = typedData.getMessageHash(data, account);
    expect(verifies(signature, sessionMessageHash(messageHash, 3))).toBe(true);
    expect(verifies(signature, messageHash)).toBe(false);
  });

  it("refuses to sign any typed data but a SNIP-9 V2 outside execution", async () => {
    const signer = signerFor();
    const permit = {
      types: { StarknetDomain: [{ name: "name", type: "shortstring" }, { name: "version", type: "shortstring" }, { name: "chainId", type: "shortstring" }, { name: "revision", type: "shortstring" }], Permit: [{ name: "amount", type: "u128" }] },
      primaryType: "Permit",
      domain: { name: "Token", version: "1", chainId: "SN_SEPOLIA", revision: "1" },
      message: { amount: "1000" },
    };
    await expect(signer.signMessage(permit, account)).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
    const v1 = outsideExecution.getTypedData(chainId, { caller: shortString.encodeShortString("ANY_CALLER"), execute_after: 1, execute_before: 2 }, 5, calls, OutsideExecutionVersion.V1);
    await expect(signer.signMessage(v1, account)).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
  });

  it("refuses to sign declare and deploy-account transactions", async () => {
    const signer = signerFor();
    await expect(signer.signDeclareTransaction({} as never)).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
    await expect(signer.signDeployAccountTransaction({} as never)).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
  });
});

describe("normalizeCalls", () => {
  it("refuses a selector as a call's entrypoint: starknet.js would sign keccak of the string", () => {
    const selectorText = hash.getSelectorFromName("transfer");
    expect(() => normalizeCalls([{ contractAddress: "0x456", entrypoint: selectorText, calldata: [] }])).toThrow(expect.objectContaining({ code: "INVALID_INPUT" }));
    expect(() => normalizeCalls([{ contractAddress: "0x456", entrypoint: "123", calldata: [] }])).toThrow(SessionError);
  });

  it("gives the selector starknet.js signs, and hex calldata", () => {
    const [call] = normalizeCalls([{ contractAddress: "0x456", entrypoint: "transfer", calldata: [1, "0x2", 3n] }]);
    expect(call).toEqual({ contractAddress: num.toHex64("0x456"), entrypoint: "transfer", selector: hash.getSelectorFromName("transfer"), calldata: ["0x1", "0x2", "0x3"] });
    // What starknet.js puts in the signed calldata is the same selector.
    const signed = transaction.getExecuteCalldata([call as never], "1").map((felt) => BigInt(felt));
    expect(signed[2]).toBe(BigInt(call?.selector ?? 0));
  });

  it("refuses empty lists and malformed addresses", () => {
    expect(() => normalizeCalls([])).toThrow(SessionError);
    expect(() => normalizeCalls([{ contractAddress: "0xzz", entrypoint: "transfer" }])).toThrow(SessionError);
  });
});

describe("errors", () => {
  it("give every contract reason its own stable code", () => {
    const codes = REASON_CODES.filter((reason) => reason !== "OK").map((reason) => errorFromReason(reason).code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(SESSION_ERROR_CODES).toContain(code);
  });

  // As devnet 0.10.1 words them (RPC error data and receipts' revert_reason).
  const ACCOUNT = "0x064b48806902a367c8598f4f95c305e8c1a1acba5f082d294a43793113115691";
  const DAPP = "0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d";
  const RELAYER = "0x0000000000000000000000000000000000000000000000000000000000000abc";
  const frame = (address: string) => `Error in contract (contract address: ${address}, class hash: 0x05b4, selector: 0x015d):\n`;
  const panic = (text: string) => `0x${Buffer.from(text).toString("hex")} ('${text}').\n`;
  const reverted = (frames: string[], reason: string) =>
    `Transaction execution has failed:\n0: Error in the called contract (contract address: ${frames[0]}, class hash: 0x05b4, selector: 0x015d):\nExecution failed. Failure reason:\n${frames.map(frame).join("")}${panic(reason)}`;
  const rpcError = (code: number, message: string, data: unknown) => Object.assign(new Error(`RPC: starknet_addInvokeTransaction with params { "calldata": ["${panic("REVOKED")}"] } ${code}: ${message}`), { baseError: { code, message, data } });

  it("map the account's own validation refusal to its code, keeping the cause", () => {
    const rpc = rpcError(55, "Account validation failed", `The \`validate\` entry point panicked with:\n${frame(ACCOUNT)}${panic("ENTRYPOINT_NOT_ALLOWED")}`);
    const error = toSessionError(rpc, { accountAddress: ACCOUNT });
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ name: "SessionError", code: "SESSION_ENTRYPOINT_NOT_ALLOWED", reason: "ENTRYPOINT_NOT_ALLOWED", cause: rpc });
    // Not when the account is unknown, nor for another account's validation.
    expect(toSessionError(rpc).code).toBe("TRANSACTION_REJECTED");
    expect(toSessionError(rpc, { accountAddress: DAPP }).code).toBe("TRANSACTION_REJECTED");
    expect(toSessionError(new Error("socket hang up"), { accountAddress: ACCOUNT })).toMatchObject({ code: "TRANSACTION_REJECTED" });
  });

  it("map the account's own execution panic (direct, or relayed) to its code", () => {
    expect(toSessionError(reverted([ACCOUNT, ACCOUNT], "EXPIRED"), { accountAddress: ACCOUNT }).code).toBe("SESSION_EXPIRED");
    expect(toSessionError(reverted([RELAYER, RELAYER, ACCOUNT], "NONCE_USED"), { accountAddress: ACCOUNT }).code).toBe("OUTSIDE_EXECUTION_NONCE_USED");
  });

  it("never take a reason code from a contract the account called, even one imitating the account's frame", () => {
    for (const failure of [
      reverted([ACCOUNT, ACCOUNT, DAPP], "REVOKED"),
      reverted([RELAYER, ACCOUNT, DAPP], "MAX_CALLS_EXCEEDED"),
      // A ByteArray panic whose text fakes a deeper frame of the account.
      reverted([ACCOUNT, ACCOUNT, DAPP], "x").replace("('x').", `"${frame(ACCOUNT)}${panic("REVOKED")}"`),
    ]) {
      const error = toSessionError(failure, { accountAddress: ACCOUNT });
      expect(error.code).toBe("TRANSACTION_REVERTED");
      expect(JSON.parse(error.details ?? "{}").contract).toBe(DAPP);
    }
    expect(JSON.parse(toSessionError(reverted([ACCOUNT, ACCOUNT, DAPP], "REVOKED"), { accountAddress: ACCOUNT }).details ?? "{}").reason).toBe("REVOKED");
  });

  it("read the node's verdict, not the request it repeats (calldata a dApp chose)", () => {
    const rpc = rpcError(41, "Transaction execution error", { transaction_index: 0, execution_error: reverted([ACCOUNT, ACCOUNT, DAPP], "Counter: asked to fail") });
    const error = toSessionError(rpc, { accountAddress: ACCOUNT });
    expect(error.code).toBe("TRANSACTION_REVERTED");
    expect(JSON.parse(error.details ?? "{}")).toMatchObject({ contract: DAPP, reason: "Counter: asked to fail" });
  });
});

describe("inputs", () => {
  it("turns entrypoint names and selectors into selectors, refusing anything else", () => {
    expect(toSelector("transfer")).toBe(hash.getSelectorFromName("transfer"));
    expect(toSelector(hash.getSelectorFromName("approve"))).toBe(num.toHex(hash.getSelectorFromName("approve")));
    for (const bad of ["", "trans fer", "0xzz", "1transfer", `0x${"f".repeat(64)}`]) expect(() => toSelector(bad)).toThrow(SessionError);
  });
});

describe("public API", () => {
  it("exports exactly these names", () => {
    expect(Object.keys(sdk).sort()).toEqual([
      "DEFAULT_MAX_FEE",
      "MAX_SESSION_DURATION_SECONDS",
      "MIN_SECRET_LENGTH",
      "NO_METHOD_POLICY",
      "PBKDF2_ITERATIONS",
      "POLICY_SIGNATURE_MAGIC",
      "REASON_CODES",
      "SCRYPT_MAX_N",
      "SCRYPT_PARAMS",
      "SESSION_AUTHORIZATION_DOMAIN",
      "SESSION_AUTHORIZATION_MAGIC",
      "SESSION_AUTHORIZATION_TYPES",
      "SESSION_ERROR_CODES",
      "SESSION_KEY_MANAGER_INTERFACE_ID",
      "SessionError",
      "SessionSigner",
      "addSessionKeyToContract",
      "assertSessionSupport",
      "authorizeSession",
      "createMemoryStorage",
      "createSessionKey",
      "createSessionStore",
      "createWalletClient",
      "decodeReason",
      "decryptPrivateKey",
      "encodeSessionAuthorization",
      "encryptPrivateKey",
      "endSession",
      "errorFromReason",
      "executeTransactionWithSession",
      "findReasonCode",
      "getAddSessionKeyCall",
      "getAddSessionWithPolicyCall",
      "getEndSessionCall",
      "getOutsideExecutionCall",
      "getOutsideExecutionTypedData",
      "getRemoveSpendingPolicyCall",
      "getRevokeAllSessionsCall",
      "getRevokeSessionKeyCall",
      "getSessionData",
      "getSessionStatus",
      "getSetSessionMaxFeeCall",
      "getSetSpendingPolicyCall",
      "getSpendingPolicy",
      "isLegacyBlob",
      "listSessions",
      "migrateLegacyEnvelope",
      "normalizeCalls",
      "normalizeSessionTerms",
      "parseSessionAuthorization",
      "prepareSessionCalls",
      "preparedTransactionHash",
      "revokeAllSessions",
      "revokeSessionKey",
      "sendPreparedCalls",
      "serializeSessionAuthorization",
      "sessionAuthorizationHash",
      "sessionAuthorizationTypedData",
      "sessionMessageHash",
      "sessionSignatureLayout",
      "toSelector",
      "toSessionError",
      "worstCaseFee",
    ]);
  });
});

// The SDK's pure parts: key creation, the session signer's layout, errors, inputs, exports.
import { constants, ec, hash, num, shortString, OutsideExecutionVersion, outsideExecution, Signer, stark, typedData, type InvocationsSignerDetails } from "starknet";
import { describe, expect, it } from "vitest";
import * as sdk from "../../sdk/index.ts";
import { createSessionKey, decryptPrivateKey, errorFromReason, REASON_CODES, SESSION_ERROR_CODES, SessionError, SessionSigner, toSelector, toSessionError } from "../../sdk/index.ts";

describe("createSessionKey", () => {
  it("creates a key whose encrypted private key decrypts to the public key's pair", async () => {
    const created = await createSessionKey({ encryptKey: "2468", durationSeconds: 3_600, now: 1_700_000_000 });
    expect(created.validUntil).toBe(1_700_003_600);
    const privateKey = await decryptPrivateKey(created.encryptedPrivateKey, "2468");
    expect(ec.starkCurve.getStarkKey(privateKey)).toBe(created.publicKey);
  });

  it("defaults to 6 hours", async () => {
    const created = await createSessionKey({ encryptKey: "2468", now: 100 });
    expect(created.validUntil).toBe(100 + 21_600);
  });

  it("refuses bad durations with a clear message", async () => {
    for (const durationSeconds of [0, -5, 1.5, Number.NaN, 31 * 24 * 3600]) {
      await expect(createSessionKey({ encryptKey: "2468", durationSeconds })).rejects.toMatchObject({ code: "INVALID_INPUT", message: expect.stringMatching(/durationSeconds/) });
    }
  });
});

describe("SessionSigner", () => {
  const privateKey = "0x" + "2a".repeat(31);
  const details: InvocationsSignerDetails = {
    walletAddress: "0x123",
    chainId: constants.StarknetChainId.SN_SEPOLIA,
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

  it("signs the transaction hash starknet.js computes, laid out as [pubkey, r, s, valid_until]", async () => {
    const signature = (await new SessionSigner({ privateKey, validUntil: 1_800_000_000 }).signTransaction(calls, details)) as string[];
    const plain = stark.signatureToHexArray(await new Signer(privateKey).signTransaction(calls, details));
    expect(signature).toHaveLength(4);
    expect(signature[0]).toBe(ec.starkCurve.getStarkKey(privateKey));
    expect([signature[1], signature[2]]).toEqual(plain);
    expect(BigInt(signature[3] as string)).toBe(1_800_000_000n);
  });

  it("signs SNIP-9 V2 typed data over starknet.js's message hash", async () => {
    const data = outsideExecution.getTypedData(constants.StarknetChainId.SN_SEPOLIA, { caller: shortString.encodeShortString("ANY_CALLER"), execute_after: 1, execute_before: 2_000_000_000 }, 5, calls, OutsideExecutionVersion.V2);
    const signature = (await new SessionSigner({ privateKey, validUntil: 99 }).signMessage(data, "0x123")) as string[];
    const messageHash = typedData.getMessageHash(data, "0x123");
    const rs = new ec.starkCurve.Signature(BigInt(signature[1] as string), BigInt(signature[2] as string));
    expect(ec.starkCurve.verify(rs, messageHash, ec.starkCurve.getPublicKey(privateKey))).toBe(true);
    expect(ec.starkCurve.verify(rs, num.toHex(BigInt(messageHash) + 1n), ec.starkCurve.getPublicKey(privateKey))).toBe(false);
  });

  it("refuses to sign any typed data but a SNIP-9 V2 outside execution", async () => {
    const signer = new SessionSigner({ privateKey, validUntil: 99 });
    const permit = {
      types: { StarknetDomain: [{ name: "name", type: "shortstring" }, { name: "version", type: "shortstring" }, { name: "chainId", type: "shortstring" }, { name: "revision", type: "shortstring" }], Permit: [{ name: "amount", type: "u128" }] },
      primaryType: "Permit",
      domain: { name: "Token", version: "1", chainId: "SN_SEPOLIA", revision: "1" },
      message: { amount: "1000" },
    };
    await expect(signer.signMessage(permit, "0x123")).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
    const v1 = outsideExecution.getTypedData(constants.StarknetChainId.SN_SEPOLIA, { caller: shortString.encodeShortString("ANY_CALLER"), execute_after: 1, execute_before: 2 }, 5, calls, OutsideExecutionVersion.V1);
    await expect(signer.signMessage(v1, "0x123")).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
  });

  it("refuses to sign declare and deploy-account transactions", async () => {
    const signer = new SessionSigner({ privateKey, validUntil: 99 });
    await expect(signer.signDeclareTransaction({} as never)).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
    await expect(signer.signDeployAccountTransaction({} as never)).rejects.toMatchObject({ code: "SESSION_OPERATION_NOT_ALLOWED" });
  });
});

describe("errors", () => {
  it("give every contract reason its own stable code", () => {
    const codes = REASON_CODES.filter((reason) => reason !== "OK").map((reason) => errorFromReason(reason).code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(SESSION_ERROR_CODES).toContain(code);
  });

  it("map a node rejection to the typed error, keeping the cause", () => {
    const rpc = new Error("RPC: starknet_addInvokeTransaction ... 55: Account validation failed: Failure reason: 0x454e545259504f494e545f4e4f545f414c4c4f574544 ('ENTRYPOINT_NOT_ALLOWED')");
    const error = toSessionError(rpc);
    expect(error).toBeInstanceOf(SessionError);
    expect(error).toMatchObject({ name: "SessionError", code: "SESSION_ENTRYPOINT_NOT_ALLOWED", reason: "ENTRYPOINT_NOT_ALLOWED", cause: rpc });
    expect(toSessionError(new Error("socket hang up"))).toMatchObject({ code: "TRANSACTION_REJECTED" });
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
      "MAX_SESSION_DURATION_SECONDS",
      "PBKDF2_ITERATIONS",
      "REASON_CODES",
      "SESSION_ERROR_CODES",
      "SESSION_KEY_MANAGER_INTERFACE_ID",
      "SessionError",
      "SessionSigner",
      "addSessionKeyToContract",
      "assertSessionSupport",
      "createSessionKey",
      "decodeReason",
      "decryptPrivateKey",
      "encryptPrivateKey",
      "errorFromReason",
      "executeTransactionWithSession",
      "findReasonCode",
      "getOutsideExecutionCall",
      "getOutsideExecutionTypedData",
      "getSessionData",
      "getSessionStatus",
      "isLegacyBlob",
      "prepareSessionCalls",
      "revokeSessionKey",
      "sendPreparedCalls",
      "toSelector",
      "toSessionError",
    ]);
  });
});

// The relayer's pure pieces, without a chain or a database: reading its configuration,
// converting fees into gas tokens, and the JSON-RPC dispatcher with a method table of its own.
import type { FastifyBaseLogger } from "fastify";
import { num } from "starknet";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { configFromEnv, DEFAULTS, parseGasTokens, parseRelayerAccounts, RelayerConfigError, STRK } from "../../relayer/src/config.ts";
import { STRK_TOKEN_ADDRESS, strkToFri } from "../../sdk/utils/fees.ts";
import { findGasToken, friToToken } from "../../relayer/src/paymaster/tokens.ts";
import { JsonRpcError, policyRefusal } from "../../relayer/src/rpc/errors.ts";
import { handleJsonRpc, MAX_BATCH, type MethodTable, type RequestContext } from "../../relayer/src/rpc/jsonRpc.ts";

const FIELD_PRIME = 2n ** 251n + 17n * 2n ** 192n + 1n;

function configError(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof RelayerConfigError) return error.message;
    throw error;
  }
  throw new Error("expected a RelayerConfigError, but it succeeded");
}

describe("parseRelayerAccounts", () => {
  it("reads address:privateKey pairs, padded to 64 hex digits", () => {
    expect(parseRelayerAccounts("0x1:0xabc, 0x02:0xdef")).toStrictEqual([
      { address: num.toHex64(1n), privateKey: num.toHex64(0xabcn) },
      { address: num.toHex64(2n), privateKey: num.toHex64(0xdefn) },
    ]);
  });

  it.each([
    ["0x1", "RELAYER_ACCOUNTS entry 1 must be address:privateKey"],
    ["0x1:0x2,0x3:0x4:0x5", "RELAYER_ACCOUNTS entry 2 must be address:privateKey"],
    ["0x1:0x2,", "RELAYER_ACCOUNTS entry 2 must be address:privateKey"],
    ["0x1:zz", 'RELAYER_ACCOUNTS entry 1 key: "zz"… is not a 0x-prefixed felt'],
    ["0x0:0x2", 'RELAYER_ACCOUNTS entry 1 address: "0x0"… is not a 0x-prefixed felt'],
    [`0x${FIELD_PRIME.toString(16)}:0x2`, 'RELAYER_ACCOUNTS entry 1 address: "0x8000000000"… is not a 0x-prefixed felt'],
  ])("refuses %s", (value, message) => {
    expect(configError(() => parseRelayerAccounts(value))).toBe(message);
  });

  it("never repeats a private key in its error", () => {
    const key = `0x${"f".repeat(70)}`;
    expect(configError(() => parseRelayerAccounts(`0x1:${key}`))).not.toContain(key);
  });
});

describe("parseGasTokens", () => {
  it("always takes STRK, first", () => {
    expect(parseGasTokens(undefined)).toStrictEqual([STRK]);
    expect(parseGasTokens("")).toStrictEqual([STRK]);
  });

  it("reads address:decimals:priceInStrk, the price in decimal STRK", () => {
    expect(parseGasTokens("0xabc:6:0.5,0xdef:18:12")).toStrictEqual([
      STRK,
      { address: num.toHex64(0xabcn), decimals: 6, priceInStrk: 5n * 10n ** 17n },
      { address: num.toHex64(0xdefn), decimals: 18, priceInStrk: 12n * 10n ** 18n },
    ]);
  });

  it("does not list STRK twice, nor take another price for it", () => {
    expect(parseGasTokens(`${STRK_TOKEN_ADDRESS}:18:2,0x4718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d:18:3`)).toStrictEqual([STRK]);
  });

  it.each([
    ["0xabc:6", "RELAYER_GAS_TOKENS entry 1 must be address:decimals:priceInStrk"],
    ["0xabc:6:1:2", "RELAYER_GAS_TOKENS entry 1 must be address:decimals:priceInStrk"],
    ["0xabc:six:1", 'decimals must be an integer >= 0 (got "six")'],
    ["0xabc:-1:1", 'decimals must be an integer >= 0 (got "-1")'],
    ["0xabc:6:1e3", 'price must be a decimal amount of STRK, e.g. 0.5 (got "1e3")'],
    ["0xabc:6:0.1234567890123456789", 'price must be a decimal amount of STRK, e.g. 0.5 (got "0.1234567890123456789")'],
    ["0xabc:6:0.0", "RELAYER_GAS_TOKENS entry 1: a price of 0 would make fees free"],
    ["0xabc:6:1,nope:6:1", 'RELAYER_GAS_TOKENS entry 2: "nope"… is not a 0x-prefixed felt'],
  ])("refuses %s", (value, message) => {
    expect(configError(() => parseGasTokens(value))).toBe(message);
  });
});

describe("configFromEnv", () => {
  const NAMES = [
    "STARKNET_RPC_URL",
    "DATABASE_URL",
    "RELAYER_ACCOUNTS",
    "RELAYER_FEE_RECIPIENT",
    "RELAYER_PORT",
    "RELAYER_HOST",
    "RELAYER_MAX_FEE_STRK",
    "RELAYER_ANONYMOUS_REQUESTS_PER_MINUTE",
    "RELAYER_DROP_AFTER_SECONDS",
    "RELAYER_GAS_TOKENS",
  ];
  const LOCAL = { rpcUrl: "http://127.0.0.1:5050/rpc", databaseUrl: "postgres://local/relayer", relayerAccounts: [{ address: num.toHex64(7n), privateKey: num.toHex64(8n) }] };

  // Whatever the machine's environment holds, each test starts from none of these set.
  beforeEach(() => {
    for (const name of NAMES) vi.stubEnv(name, "");
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  function network(): void {
    vi.stubEnv("STARKNET_RPC_URL", "https://rpc.example/v0_10");
    vi.stubEnv("DATABASE_URL", "postgres://db.example/relayer");
    vi.stubEnv("RELAYER_ACCOUNTS", "0x1:0x2,0x3:0x4");
  }

  it("takes what `npm run relayer` provides itself when nothing is configured", () => {
    expect(configFromEnv(LOCAL)).toStrictEqual({
      ...DEFAULTS,
      rpcUrl: LOCAL.rpcUrl,
      databaseUrl: LOCAL.databaseUrl,
      relayerAccounts: LOCAL.relayerAccounts,
      feeRecipient: num.toHex64(7n),
      gasTokens: [STRK],
    });
  });

  it("reads a network's configuration, with the first relayer account as the default fee recipient", () => {
    network();
    vi.stubEnv("RELAYER_PORT", "9000");
    vi.stubEnv("RELAYER_MAX_FEE_STRK", "0.25");
    vi.stubEnv("RELAYER_ANONYMOUS_REQUESTS_PER_MINUTE", "30");
    vi.stubEnv("RELAYER_DROP_AFTER_SECONDS", "45");
    vi.stubEnv("RELAYER_GAS_TOKENS", "0xabc:6:0.5");
    expect(configFromEnv(LOCAL)).toStrictEqual({
      ...DEFAULTS,
      port: 9000,
      rpcUrl: "https://rpc.example/v0_10",
      databaseUrl: "postgres://db.example/relayer",
      relayerAccounts: [
        { address: num.toHex64(1n), privateKey: num.toHex64(2n) },
        { address: num.toHex64(3n), privateKey: num.toHex64(4n) },
      ],
      feeRecipient: num.toHex64(1n),
      gasTokens: [STRK, { address: num.toHex64(0xabcn), decimals: 6, priceInStrk: 5n * 10n ** 17n }],
      maxFeePerTransactionFri: 25n * 10n ** 16n,
      anonymousRequestsPerMinute: 30,
      dropAfterMs: 45_000,
    });
  });

  it("takes an explicit fee recipient", () => {
    network();
    vi.stubEnv("RELAYER_FEE_RECIPIENT", "0xfee");
    expect(configFromEnv(undefined).feeRecipient).toBe(num.toHex64(0xfeen));
  });

  it.each([
    [{}, "STARKNET_RPC_URL is required (see .env.example)"],
    [{ STARKNET_RPC_URL: "https://rpc.example" }, "DATABASE_URL is required with STARKNET_RPC_URL (see .env.example)"],
    [{ STARKNET_RPC_URL: "https://rpc.example", DATABASE_URL: "postgres://db" }, "RELAYER_ACCOUNTS is required with STARKNET_RPC_URL (see .env.example)"],
  ])("refuses a configuration missing what it needs (%j)", (env, message) => {
    for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
    expect(configError(() => configFromEnv(undefined))).toBe(message);
  });

  it.each([
    ["RELAYER_PORT", "-1", 'RELAYER_PORT must be an integer >= 0 (got "-1")'],
    ["RELAYER_PORT", "80.5", 'RELAYER_PORT must be an integer >= 0 (got "80.5")'],
    ["RELAYER_MAX_FEE_STRK", "1,5", 'RELAYER_MAX_FEE_STRK must be a decimal amount of STRK, e.g. 0.5 (got "1,5")'],
    ["RELAYER_ANONYMOUS_REQUESTS_PER_MINUTE", "0", 'RELAYER_ANONYMOUS_REQUESTS_PER_MINUTE must be an integer >= 1 (got "0")'],
    ["RELAYER_DROP_AFTER_SECONDS", "soon", 'RELAYER_DROP_AFTER_SECONDS must be an integer >= 1 (got "soon")'],
    ["RELAYER_FEE_RECIPIENT", "me", 'RELAYER_FEE_RECIPIENT: "me"… is not a 0x-prefixed felt'],
  ])("refuses %s=%s", (name, value, message) => {
    network();
    vi.stubEnv(name, value);
    expect(configError(() => configFromEnv(undefined))).toBe(message);
  });
});

describe("gas tokens", () => {
  const USDC = { address: num.toHex64(0xabcn), decimals: 6, priceInStrk: 5n * 10n ** 17n };

  it("converts FRI to a token's units, rounding up so the relayer is never short", () => {
    expect(friToToken(0n, USDC)).toBe(0n);
    // 10^12 FRI = 10^-6 STRK = 2 * 10^-6 USDC at 0.5 STRK per USDC: exactly 2 units.
    expect(friToToken(10n ** 12n, USDC)).toBe(2n);
    expect(friToToken(10n ** 12n + 1n, USDC)).toBe(3n);
    expect(friToToken(1n, USDC)).toBe(1n);
    expect(friToToken(10n, { address: USDC.address, decimals: 18, priceInStrk: 3n * 10n ** 18n })).toBe(4n);
    expect(friToToken(123_456_789n, STRK)).toBe(123_456_789n);
  });

  it("finds a token by value, however its address is written, and refuses others with TOKEN_NOT_SUPPORTED (151)", () => {
    expect(findGasToken([STRK, USDC], "0xABC")).toBe(USDC);
    let refusal: unknown;
    try {
      findGasToken([STRK, USDC], "0xabd");
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(JsonRpcError);
    expect({ code: (refusal as JsonRpcError).code, message: (refusal as JsonRpcError).message, data: (refusal as JsonRpcError).data }).toStrictEqual({
      code: 151,
      message: "An error occurred (TOKEN_NOT_SUPPORTED)",
      data: undefined,
    });
  });
});

describe("handleJsonRpc", () => {
  const logged: { level: string; args: unknown[] }[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      void logged.push({ level, args });
  const log: FastifyBaseLogger = {
    level: "info",
    info: record("info"),
    error: record("error"),
    debug: record("debug"),
    fatal: record("fatal"),
    warn: record("warn"),
    trace: record("trace"),
    silent: record("silent"),
    child: () => log,
  };
  const request: RequestContext = { apiKey: "rk_test", clientAddress: "203.0.113.7", log };

  let calls: string[];
  const methods: MethodTable = {
    echo: async (params) => params,
    whoAsks: async (_params, context) => ({ apiKey: context.apiKey, clientAddress: context.clientAddress }),
    refuse: async () => {
      throw policyRefusal("RATE_LIMITED", "slow down", 429);
    },
    crash: async () => {
      throw new Error("secret internals at /srv/relayer");
    },
    slow: async () => {
      await new Promise((resolve) => setTimeout(resolve, 30));
      calls.push("slow");
      return "slow";
    },
    fast: async () => {
      calls.push("fast");
      return "fast";
    },
  };

  beforeEach(() => {
    logged.length = 0;
    calls = [];
  });

  it("answers a request with its id, whatever the id's type", async () => {
    for (const id of [1, "a", null]) {
      expect(await handleJsonRpc(methods, { jsonrpc: "2.0", id, method: "echo", params: { x: 1 } }, request)).toStrictEqual({
        payload: { jsonrpc: "2.0", id, result: { x: 1 } },
        httpStatus: 200,
      });
    }
  });

  it("hands the request's context to the method", async () => {
    expect((await handleJsonRpc(methods, { jsonrpc: "2.0", id: 1, method: "whoAsks" }, request)).payload).toStrictEqual({
      jsonrpc: "2.0",
      id: 1,
      result: { apiKey: "rk_test", clientAddress: "203.0.113.7" },
    });
  });

  it("answers a body that was not JSON with a parse error", async () => {
    expect(await handleJsonRpc(methods, undefined, request)).toStrictEqual({ payload: { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } }, httpStatus: 200 });
  });

  it.each([
    [{ jsonrpc: "2.0", id: 1 }, 1],
    [{ jsonrpc: "1.0", id: 1, method: "echo" }, 1],
    [{ jsonrpc: "2.0", id: 1.5e400, method: "echo" }, null],
    [{ jsonrpc: "2.0", id: [1], method: "echo" }, null],
    [{ jsonrpc: "2.0", id: 1, method: 7 }, 1],
    ["echo", null],
    [null, null],
  ])("refuses %j as an invalid request", async (body, id) => {
    expect(await handleJsonRpc(methods, body, request)).toStrictEqual({ payload: { jsonrpc: "2.0", id, error: { code: -32600, message: "Invalid Request" } }, httpStatus: 200 });
  });

  it.each(["missing", "constructor", "hasOwnProperty", "__proto__"])("answers the method %s, not in the table, with method not found", async (method) => {
    expect(await handleJsonRpc(methods, { jsonrpc: "2.0", id: 1, method }, request)).toStrictEqual({
      payload: { jsonrpc: "2.0", id: 1, error: { code: -32601, message: "Method not found", data: method } },
      httpStatus: 200,
    });
  });

  it("answers a method's refusal with its code, data and HTTP status", async () => {
    expect(await handleJsonRpc(methods, { jsonrpc: "2.0", id: 1, method: "refuse" }, request)).toStrictEqual({
      payload: { jsonrpc: "2.0", id: 1, error: { code: 163, message: "An error occurred (UNKNOWN_ERROR)", data: "RATE_LIMITED: slow down" } },
      httpStatus: 429,
    });
  });

  it("answers an unexpected exception as UNKNOWN_ERROR without its message, and logs it", async () => {
    expect(await handleJsonRpc(methods, { jsonrpc: "2.0", id: 1, method: "crash" }, request)).toStrictEqual({
      payload: { jsonrpc: "2.0", id: 1, error: { code: 163, message: "An error occurred (UNKNOWN_ERROR)", data: "internal error; see the relayer's logs" } },
      httpStatus: 200,
    });
    expect(logged.map((entry) => entry.level)).toStrictEqual(["error"]);
    expect(String((logged[0]?.args[0] as { err?: Error }).err?.message)).toBe("secret internals at /srv/relayer");
  });

  it("never answers a notification, even one that fails, but runs it", async () => {
    for (const method of ["fast", "missing", "refuse", "crash"]) {
      expect(await handleJsonRpc(methods, { jsonrpc: "2.0", method }, request)).toStrictEqual({ payload: undefined, httpStatus: 200 });
    }
    expect(calls).toStrictEqual(["fast"]);
  });

  it("answers a batch in order, one request after another, leaving out notifications", async () => {
    const { payload, httpStatus } = await handleJsonRpc(
      methods,
      [
        { jsonrpc: "2.0", id: 1, method: "slow" },
        { jsonrpc: "2.0", method: "fast" },
        { jsonrpc: "2.0", id: 2, method: "missing" },
        42,
        { jsonrpc: "2.0", id: 3, method: "echo", params: [1, 2] },
      ],
      request,
    );
    expect(calls).toStrictEqual(["slow", "fast"]);
    expect(httpStatus).toBe(200);
    expect(payload).toStrictEqual([
      { jsonrpc: "2.0", id: 1, result: "slow" },
      { jsonrpc: "2.0", id: 2, error: { code: -32601, message: "Method not found", data: "missing" } },
      { jsonrpc: "2.0", id: null, error: { code: -32600, message: "Invalid Request" } },
      { jsonrpc: "2.0", id: 3, result: [1, 2] },
    ]);
  });

  it("gives a batch the HTTP status of a refusal inside it", async () => {
    const { httpStatus } = await handleJsonRpc(methods, [{ jsonrpc: "2.0", id: 1, method: "echo" }, { jsonrpc: "2.0", id: 2, method: "refuse" }], request);
    expect(httpStatus).toBe(429);
  });

  it("answers a batch of notifications with nothing", async () => {
    expect(await handleJsonRpc(methods, [{ jsonrpc: "2.0", method: "fast" }, { jsonrpc: "2.0", method: "fast" }], request)).toStrictEqual({ payload: undefined, httpStatus: 200 });
    expect(calls).toStrictEqual(["fast", "fast"]);
  });

  it.each([0, MAX_BATCH + 1])("refuses a batch of %i requests whole, running none", async (size) => {
    const batch = Array.from({ length: size }, (_, index) => ({ jsonrpc: "2.0", id: index, method: "fast" }));
    expect(await handleJsonRpc(methods, batch, request)).toStrictEqual({
      payload: { jsonrpc: "2.0", id: null, error: { code: -32600, message: "Invalid Request", data: `a batch holds 1 to ${MAX_BATCH} requests` } },
      httpStatus: 200,
    });
    expect(calls).toStrictEqual([]);
  });

  it(`runs a batch of ${MAX_BATCH} requests`, async () => {
    const batch = Array.from({ length: MAX_BATCH }, (_, index) => ({ jsonrpc: "2.0", id: index, method: "fast" }));
    const { payload } = await handleJsonRpc(methods, batch, request);
    expect(payload).toHaveLength(MAX_BATCH);
    expect(calls).toHaveLength(MAX_BATCH);
  });
});

describe("strkToFri (the one STRK parser of the relayer's configuration and the deploy script)", () => {
  it("reads whole and decimal STRK, at most 18 decimals, and nothing else", () => {
    expect(strkToFri("0")).toBe(0n);
    expect(strkToFri("5")).toBe(5n * 10n ** 18n);
    expect(strkToFri("0.25")).toBe(25n * 10n ** 16n);
    expect(strkToFri("1.000000000000000001")).toBe(10n ** 18n + 1n);
    for (const bad of ["", ".5", "5.", "1e3", "-1", "0x10", "1,5", " 1", "0.1234567890123456789"]) expect(strkToFri(bad), bad).toBeUndefined();
  });
});

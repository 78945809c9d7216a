// Attack: a client-supplied typed data whose `types` make starknet.js's SNIP-12 hashing
// quadratic (getTypeHash recomputes every dependency of a wide type for each struct
// instance). The relayer hashes the client's typed data synchronously, before looking up
// the build (wallet_sendPreparedCalls: even before the rate limit), so one ~60 KB request
// blocks the event loop for many seconds: no other request, health check or tracker pass
// runs meanwhile. A fixed relayer refuses it at once (the typed data's types/domain must be
// the SNIP-9 V2 ones it builds, or the build is found without hashing foreign types).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestRelayer, type TestRelayer } from "../../helpers/relayer.ts";

let relayer: TestRelayer;
const chainId = "0x534e5f5345504f4c4941";
const someAccount = "0x0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

beforeAll(async () => {
  relayer = await startTestRelayer();
});
afterAll(async () => {
  await relayer?.stop();
});

/** K field types under one wide struct B, and N instances of A (each re-hashes B's K dependencies). */
function expensiveTypedData(k = 300, n = 2_000) {
  const types: Record<string, { name: string; type: string }[]> = {
    StarkNetDomain: [{ name: "name", type: "felt" }],
    M: [{ name: "xs", type: "A*" }],
    A: [{ name: "d", type: "B*" }],
    B: [],
  };
  for (let i = 0; i < k; i += 1) {
    (types.B as { name: string; type: string }[]).push({ name: `f${i}`, type: `T${i}*` });
    types[`T${i}`] = [{ name: "x", type: "felt" }];
  }
  return { types, primaryType: "M", domain: { name: "x" }, message: { xs: Array.from({ length: n }, () => ({ d: [] })) } };
}

async function post(body: unknown): Promise<{ json: { error?: { code: number } }; ms: number }> {
  const started = Date.now();
  const response = await fetch(relayer.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { json: (await response.json()) as { error?: { code: number } }, ms: Date.now() - started };
}

describe("typed data hashing as a denial of service", () => {
  test("wallet_sendPreparedCalls refuses a foreign typed data quickly (no multi-second hash)", async () => {
    const body = {
      jsonrpc: "2.0",
      id: 1,
      method: "wallet_sendPreparedCalls",
      params: [{ type: "starknet_outside_execution_v2", chainId, data: { from: someAccount, typedData: expensiveTypedData() }, signature: ["0x1", "0x2"] }],
    };
    expect(JSON.stringify(body).length).toBeLessThan(100_000);
    const { json, ms } = await post(body);
    expect(json.error).toBeDefined();
    expect(ms).toBeLessThan(2_000);
  });

  test("paymaster_executeTransaction (anonymous, default mode) refuses it quickly too", async () => {
    const body = {
      jsonrpc: "2.0",
      id: 1,
      method: "paymaster_executeTransaction",
      params: {
        transaction: { type: "invoke", invoke: { user_address: someAccount, typed_data: expensiveTypedData(), signature: ["0x1", "0x2"] } },
        parameters: { version: "0x1", fee_mode: { mode: "default", gas_token: "0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d" } },
      },
    };
    const { json, ms } = await post(body);
    expect(json.error?.code).toBe(153);
    expect(ms).toBeLessThan(2_000);
  });
});

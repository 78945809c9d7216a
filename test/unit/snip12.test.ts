// The contract's SNIP-12 hashing of SNIP-9 V2 OutsideExecutions must equal starknet.js.
// Here: starknet.js on the shared vectors, and the Cairo type-hash strings against
// starknet.js's own type definitions. The Cairo side runs the same vectors in cairo-test.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { constants, hash, num, outsideExecution, OutsideExecutionTypesV2, OutsideExecutionVersion, selector, typedData, TypedDataRevision } from "starknet";
import { describe, expect, it } from "vitest";
import vectors from "../fixtures/snip12-vectors.json" with { type: "json" };

const root = join(import.meta.dirname, "..", "..");
// The generic SNIP-12 module (domain) and the outside execution's own hashing (its types).
const snip12Cairo = ["contracts/utils/snip12.cairo", "contracts/outside_execution/hashing.cairo"].map((file) => readFileSync(join(root, file), "utf8")).join("\n");
const cairoVectorsTest = readFileSync(join(root, "contracts/tests/test_snip12.cairo"), "utf8");

/** The type string inside `selector!("...")` of the Cairo constant `name`. */
function cairoTypeString(name: string): string {
  const match = snip12Cairo.match(new RegExp(`${name}: felt252 = selector!\\(\\s*"((?:[^"\\\\]|\\\\.)*)"`));
  if (!match?.[1]) throw new Error(`${name} not found in the Cairo SNIP-12 sources`);
  return match[1].replace(/\\"/g, '"');
}

describe("SNIP-12 outside execution hashing", () => {
  it("uses starknet.js's type strings for StarknetDomain, OutsideExecution and Call", () => {
    const types = OutsideExecutionTypesV2;
    const rev = TypedDataRevision.ACTIVE;
    expect(selector.starknetKeccak(cairoTypeString("STARKNET_DOMAIN_TYPE_HASH"))).toBe(BigInt(typedData.getTypeHash(types, "StarknetDomain", rev)));
    expect(selector.starknetKeccak(cairoTypeString("OUTSIDE_EXECUTION_TYPE_HASH"))).toBe(BigInt(typedData.getTypeHash(types, "OutsideExecution", rev)));
    expect(selector.starknetKeccak(cairoTypeString("CALL_TYPE_HASH"))).toBe(BigInt(typedData.getTypeHash(types, "Call", rev)));
  });

  for (const vector of vectors.outsideExecutionV2) {
    it(`starknet.js gives the expected hash for the ${vector.name}`, () => {
      const calls = vector.calls.map((call) => ({ contractAddress: call.to, entrypoint: call.entrypoint, calldata: call.calldata }));
      const data = outsideExecution.getTypedData(
        vector.chainId as constants.StarknetChainId,
        { caller: vector.caller, execute_after: vector.executeAfter, execute_before: vector.executeBefore },
        vector.nonce,
        calls,
        OutsideExecutionVersion.V2,
      );
      expect(typedData.getMessageHash(data, vector.account)).toBe(vector.messageHash);
    });

    it(`the Cairo test runs the same ${vector.name}`, () => {
      for (const value of [vector.messageHash, vector.chainId, vector.account, vector.executeBefore, hash.getSelectorFromName(vector.calls[0]!.entrypoint)]) {
        expect(cairoVectorsTest.toLowerCase(), value).toContain(num.toHex(value));
      }
    });
  }
});

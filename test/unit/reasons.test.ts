// One list of reason codes per side: the Cairo constants and the SDK's list must agree.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeReason, findReasonCode, REASON_CODES } from "../../sdk/reasons.ts";

const cairo = readFileSync(join(import.meta.dirname, "..", "..", "contracts", "reasons.cairo"), "utf8");

describe("reason codes", () => {
  it("match contracts/reasons.cairo exactly, name for name and value for value", () => {
    const constants = [...cairo.matchAll(/pub const (\w+): felt252 = '([^']+)';/g)].map(([, name, value]) => ({ name, value }));
    expect(constants.length).toBeGreaterThan(0);
    for (const { name, value } of constants) expect(name).toBe(value);
    expect(constants.map(({ value }) => value)).toEqual([...REASON_CODES]);
  });

  it("fit in a Cairo short string", () => {
    for (const code of REASON_CODES) expect(code.length).toBeLessThanOrEqual(31);
  });

  it("decode from the felt a view returns", () => {
    expect(decodeReason(0x4f4bn)).toBe("OK");
    expect(decodeReason("0x45585049524544")).toBe("EXPIRED");
    expect(() => decodeReason("0x1234")).toThrow(/unknown session reason/);
  });

  it("are found in node errors, quoted or as hex, longest match first", () => {
    expect(findReasonCode("Execution failed. Failure reason: 0x45585049524544 ('EXPIRED').")).toBe("EXPIRED");
    expect(findReasonCode("Failure reason: 0x454e545259504f494e545f4e4f545f414c4c4f574544")).toBe("ENTRYPOINT_NOT_ALLOWED");
    expect(findReasonCode("validate failed: 'MAX_CALLS_EXCEEDED'")).toBe("MAX_CALLS_EXCEEDED");
    expect(findReasonCode("nothing to see")).toBeUndefined();
  });
});

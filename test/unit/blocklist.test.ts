// The admin entrypoints no session may call: one list per side, and the SDK builders refuse
// them, since the account accepts them in a whitelist (as the SNIP does) and refuses them
// at every call.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ec, hash, stark } from "starknet";
import { describe, expect, it } from "vitest";
import { getAddSessionKeyCall, SessionError } from "../../sdk/index.ts";
import { buildMethodPolicy } from "../../sdk/policies/methods.ts";
import { BLOCKED_ENTRYPOINTS } from "../../sdk/utils/blocklist.ts";

const cairo = readFileSync(join(import.meta.dirname, "..", "..", "contracts", "session", "blocklist.cairo"), "utf8");
const account = "0x1234";
const sessionPublicKey = ec.starkCurve.getStarkKey(stark.randomAddress());
const register = (allowedEntrypoints: string[]) => getAddSessionKeyCall({ accountAddress: account, sessionPublicKey, validUntil: 2_000_000_000, maxCalls: 5, allowedEntrypoints });

function refusal(build: () => unknown): SessionError {
  try {
    build();
  } catch (error) {
    if (error instanceof SessionError) return error;
    throw error;
  }
  throw new Error("the builder accepted a blocked entrypoint");
}

describe("blocklist", () => {
  it("matches contracts/session/blocklist.cairo name for name", () => {
    const names = [...cairo.matchAll(/selector == selector!\("(\w+)"\)/g)].map(([, name]) => name);
    expect(names.length).toBeGreaterThan(0);
    expect(names).toEqual([...BLOCKED_ENTRYPOINTS]);
  });

  it("getAddSessionKeyCall refuses every blocked entrypoint, by name or by selector", () => {
    for (const name of BLOCKED_ENTRYPOINTS) {
      for (const entrypoint of [name, hash.getSelectorFromName(name)]) {
        const error = refusal(() => register(["transfer", entrypoint]));
        expect(error.code).toBe("SESSION_SELECTOR_BLOCKED");
        expect(error.reason).toBe("BLOCKED_SELECTOR");
        expect(error.message).toContain(`allowedEntrypoints[1] is \`${name}\``);
      }
    }
    expect(register(["transfer", "approve"]).calldata).toHaveLength(6);
  });

  it("buildMethodPolicy refuses a blocked entrypoint on any contract", () => {
    const error = refusal(() => buildMethodPolicy([{ contractAddress: "0x99", entrypoint: "transfer" }, { contractAddress: "0x98", entrypoint: "upgrade" }]));
    expect(error.code).toBe("SESSION_SELECTOR_BLOCKED");
    expect(error.message).toContain("entry 1's entrypoint is `upgrade`");
  });
});

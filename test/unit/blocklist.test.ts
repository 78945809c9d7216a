// The admin entrypoints no session may call: one list per side, and the SDK builders refuse
// them, since the account accepts them in a whitelist (as the SNIP does) and refuses them
// at every call.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ec, hash, stark } from "starknet";
import { describe, expect, it } from "vitest";
import { getAddSessionKeyCall, SessionError } from "../../sdk/index.ts";
import { buildMethodPolicy, methodPolicyFromJSON } from "../../sdk/policies/methods.ts";
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

describe("a stored method policy naming an admin entrypoint", () => {
  // Built before the builders refused such entries (its root may be registered): it loads.
  it("loads, with the root its entries give", () => {
    const entries = [
      { contractAddress: "0x0000000000000000000000000000000000000000000000000000000000000099", entrypoint: "transfer", selector: hash.getSelectorFromName("transfer") },
      { contractAddress: "0x0000000000000000000000000000000000000000000000000000000000000098", entrypoint: "upgrade", selector: hash.getSelectorFromName("upgrade") },
    ];
    const wrong = refusal(() => methodPolicyFromJSON({ version: 1, root: "0x1", entries }));
    expect(wrong.code).toBe("INVALID_INPUT");
    const root = /give the root (0x[0-9a-f]+)/.exec(wrong.message)?.[1];
    expect(root).toBeDefined();
    const policy = methodPolicyFromJSON({ version: 1, root: root!, entries });
    expect(policy.root).toBe(root);
    expect(policy.proofForCall({ contractAddress: "0x99", entrypoint: "transfer", calldata: [] }).proof).toHaveLength(1);
  });
});

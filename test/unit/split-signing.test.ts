// Split signing's local checks: a bad signature, a prepared object changed in transit or a
// fee above the ceiling is refused before the SDK talks to any node. The provider here
// answers nothing and counts what is asked of it: zero is the assertion.
import { constants, ec, num, type ProviderInterface } from "starknet";
import { describe, expect, it } from "vitest";
import { normalizeCalls, type PreparedSessionCalls, preparedTransactionHash, sendPreparedCalls, SessionError, sessionMessageHash } from "../../sdk/index.ts";

const privateKey = "0x" + "3c".repeat(31);
const accountAddress = num.toHex64("0xacc0");

function prepared(): PreparedSessionCalls {
  const calls = normalizeCalls([{ contractAddress: "0x456", entrypoint: "increase", calldata: [1] }]);
  const details = {
    chainId: constants.StarknetChainId.SN_SEPOLIA,
    nonce: 3n,
    tip: 0n,
    resourceBounds: { l1_gas: { max_amount: 0n, max_price_per_unit: 1n }, l2_gas: { max_amount: 10n ** 7n, max_price_per_unit: 10n ** 9n }, l1_data_gas: { max_amount: 1_000n, max_price_per_unit: 1n } },
  };
  const transactionHash = preparedTransactionHash(accountAddress, calls, details);
  return { accountAddress, sessionPublicKey: ec.starkCurve.getStarkKey(privateKey), validUntil: 1_900_000_000n, generation: 2n, calls, details, transactionHash, messageHash: sessionMessageHash(transactionHash, 2n) };
}

function silentProvider(): { provider: ProviderInterface; asked: string[] } {
  const asked: string[] = [];
  const provider = new Proxy({}, { get: (_target, name) => (...args: unknown[]) => { asked.push(String(name)); void args; throw new Error(`the SDK asked the node for ${String(name)}`); } });
  return { provider: provider as ProviderInterface, asked };
}

async function refusal(action: Promise<unknown>): Promise<string> {
  try {
    await action;
  } catch (error) {
    return error instanceof SessionError ? error.code : `not a SessionError: ${String(error)}`;
  }
  return "no error";
}

describe("sendPreparedCalls refuses locally, contacting no node", () => {
  it("a signature that does not verify for the session key over messageHash", async () => {
    const { provider, asked } = silentProvider();
    const good = prepared();
    const { r, s } = ec.starkCurve.sign(good.transactionHash, privateKey); // the bare hash, not messageHash
    expect(await refusal(sendPreparedCalls({ provider, prepared: good, signature: { r, s } }))).toBe("SESSION_INVALID_SIGNATURE");
    const other = ec.starkCurve.sign(good.messageHash, "0x" + "4d".repeat(31));
    expect(await refusal(sendPreparedCalls({ provider, prepared: good, signature: { r: other.r, s: other.s } }))).toBe("SESSION_INVALID_SIGNATURE");
    expect(asked).toEqual([]);
  });

  it("a prepared object changed after it was prepared", async () => {
    const { provider, asked } = silentProvider();
    const good = prepared();
    const { r, s } = ec.starkCurve.sign(good.messageHash, privateKey);
    const changedCalls = { ...good, calls: normalizeCalls([{ contractAddress: "0x456", entrypoint: "increase", calldata: [1_000] }]) };
    const changedTip = { ...good, details: { ...good.details, tip: 10n } };
    const changedGeneration = { ...good, generation: 3n };
    for (const tampered of [changedCalls, changedTip, changedGeneration]) {
      expect(await refusal(sendPreparedCalls({ provider, prepared: tampered, signature: { r, s } }))).toBe("PREPARED_CALLS_MISMATCH");
    }
    expect(asked).toEqual([]);
  });

  it("a prepared fee above the ceiling", async () => {
    const { provider, asked } = silentProvider();
    const good = prepared();
    const { r, s } = ec.starkCurve.sign(good.messageHash, privateKey);
    expect(await refusal(sendPreparedCalls({ provider, prepared: good, signature: { r, s }, maxFee: 10n ** 15n }))).toBe("FEE_LIMIT_EXCEEDED");
    expect(asked).toEqual([]);
  });
});

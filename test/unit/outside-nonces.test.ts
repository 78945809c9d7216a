// The SDK's and the relayer's outside-execution nonces: consecutive within a random word of
// 128 (the account keeps a word to a storage cell), per stream, and always a felt.
import { describe, expect, it } from "vitest";
import { nextOutsideExecutionNonce, skipNonceWord } from "../../sdk/utils/outsideNonces.ts";

const word = (nonce: string) => BigInt(nonce) >> 7n;
const bit = (nonce: string) => BigInt(nonce) & 127n;

describe("outside-execution nonces", () => {
  it("run consecutively through one word of 128, then move to another", () => {
    const nonces = Array.from({ length: 129 }, () => nextOutsideExecutionNonce("a"));
    expect(nonces.slice(0, 128).map(bit)).toEqual(Array.from({ length: 128 }, (_, i) => BigInt(i)));
    expect(new Set(nonces.slice(0, 128).map(word)).size).toBe(1);
    expect(word(nonces[128] as string)).not.toBe(word(nonces[0] as string));
    expect(bit(nonces[128] as string)).toBe(0n);
    for (const nonce of nonces) expect(BigInt(nonce)).toBeLessThan(2n ** 250n);
  });

  it("keep streams apart and start a fresh word when told the current one is taken", () => {
    const [a, b] = [nextOutsideExecutionNonce("b"), nextOutsideExecutionNonce("c")];
    expect(word(a)).not.toBe(word(b));
    expect(bit(nextOutsideExecutionNonce("b"))).toBe(1n);
    skipNonceWord("b");
    const fresh = nextOutsideExecutionNonce("b");
    expect(word(fresh)).not.toBe(word(a));
    expect(bit(fresh)).toBe(0n);
  });
});

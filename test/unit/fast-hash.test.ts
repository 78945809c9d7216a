// The fast Poseidon and v3 invoke hash against starknet.js's own, on random and edge inputs
// (a fixed seed, so a failure replays), and the session signer built on them.
import { type Call, constants, ec, hash, type InvocationsSignerDetails, num, type ResourceBoundsBN, shortString, Signer, transaction } from "starknet";
import { describe, expect, it } from "vitest";
import { hashElements, feltToBigInt, poseidonHash, poseidonHashMany, poseidonPermutation, toFelt } from "../../sdk/crypto/poseidon.ts";
import { P } from "../../sdk/crypto/starkField.ts";
import { SessionSigner, sessionMessageHash } from "../../sdk/index.ts";
import { createInvokeTransactionHasher, type InvokeTransactionHashParameters, invokeTransactionHash } from "../../sdk/utils/transactionHash.ts";

/** xorshift128+: reproducible random 64-bit words. */
function random(seed: bigint) {
  const mask = (1n << 64n) - 1n;
  let s0 = seed & mask || 1n;
  let s1 = (seed * 0x9e3779b97f4a7c15n) & mask || 2n;
  const word = () => {
    let x = s0;
    const y = s1;
    s0 = y;
    x = (x ^ (x << 23n)) & mask;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (s1 + y) & mask;
  };
  const below = (n: number) => Number(word() % BigInt(n));
  const bits = (count: number) => {
    let value = 0n;
    for (let i = 0; i < count; i += 64) value = (value << 64n) | word();
    return value & ((1n << BigInt(count)) - 1n);
  };
  const pick = <T>(items: readonly T[]): T => items[below(items.length)] as T;
  return { below, bits, pick, chance: (p: number) => below(1_000_000) < p * 1_000_000 };
}

const EDGES = [0n, 1n, 2n, P - 1n, P - 2n, 2n ** 251n, 2n ** 251n - 1n, 2n ** 128n - 1n, 2n ** 128n, 2n ** 64n - 1n, 2n ** 192n, 17n * 2n ** 192n + 1n];

/** A felt: an edge value a quarter of the time, else uniform below p or small. */
function felt(rng: ReturnType<typeof random>): bigint {
  const roll = rng.below(8);
  if (roll < 2) return rng.pick(EDGES);
  if (roll === 2) return rng.bits(32);
  return rng.bits(252) % P;
}

describe("fast Poseidon", () => {
  it("permutes like @scure/starknet's poseidonSmall on 1,200 states, edge values included", () => {
    const rng = random(1n);
    // Every pair of edge values in lanes 0 and 1, then random states.
    const states: [bigint, bigint, bigint][] = [];
    for (const a of EDGES) for (const b of EDGES) states.push([a, b, rng.pick(EDGES)]);
    while (states.length < 1_200) states.push([felt(rng), felt(rng), felt(rng)]);
    for (const state of states) expect(poseidonPermutation(state)).toEqual(ec.starkCurve.poseidonSmall([...state]));
  });

  it("hashes lists like hash.computePoseidonHashOnElements on 1,000 lists of 0-13 felts", () => {
    const rng = random(2n);
    for (let i = 0; i < 1_000; i++) {
      const values = Array.from({ length: i < 14 ? i : rng.below(14) }, () => felt(rng));
      expect(num.toHex(poseidonHashMany(values))).toBe(hash.computePoseidonHashOnElements(values));
    }
  });

  it("hashes pairs like hash.computePoseidonHash, and reduces inputs mod p like @scure/starknet", () => {
    const rng = random(3n);
    for (let i = 0; i < 300; i++) {
      const [x, y] = [felt(rng), felt(rng)];
      expect(num.toHex(poseidonHash(x, y))).toBe(hash.computePoseidonHash(x, y));
    }
    // Out-of-range inputs: starknet.js reduces every element mod p inside the permutation.
    for (const value of [P, P + 5n, 2n ** 256n - 1n, 2n ** 256n, 2n ** 300n + 7n, -1n, -P - 3n]) {
      expect(poseidonHashMany([value, 1n])).toBe(ec.starkCurve.poseidonHashMany([value, 1n]));
      expect(feltToBigInt(toFelt(value))).toBe(((value % P) + P) % P);
    }
  });

  it("chains intermediate hashes as field elements without changing the result", () => {
    const inner = [5n, P - 1n, 2n ** 251n];
    const chained = feltToBigInt(hashElements([7n, hashElements(inner), 9n]));
    expect(chained).toBe(ec.starkCurve.poseidonHashMany([7n, ec.starkCurve.poseidonHashMany(inner), 9n]));
  });
});

const CHAINS = [constants.StarknetChainId.SN_MAIN, constants.StarknetChainId.SN_SEPOLIA, shortString.encodeShortString("SN_DEVNET"), "0x1234"];
const MAX_AMOUNT = 2n ** 64n - 1n;
const MAX_PRICE = 2n ** 128n - 1n;

function bound(rng: ReturnType<typeof random>) {
  const amount = rng.pick([0n, MAX_AMOUNT, rng.bits(64), rng.bits(20)]);
  const price = rng.pick([0n, MAX_PRICE, rng.bits(128), rng.bits(40)]);
  return { max_amount: amount, max_price_per_unit: price };
}

function randomBounds(rng: ReturnType<typeof random>): ResourceBoundsBN {
  return { l1_gas: bound(rng), l2_gas: bound(rng), l1_data_gas: bound(rng) };
}

/** Felts as a dApp may pass them: bigint, hex or decimal string, number. */
function feltInput(rng: ReturnType<typeof random>): string | bigint | number {
  const value = felt(rng);
  const form = rng.below(4);
  if (form === 0) return value;
  if (form === 1) return num.toHex(value);
  if (form === 2) return value.toString(10);
  return Number(value % 2n ** 48n);
}

function randomCalls(rng: ReturnType<typeof random>): Call[] {
  return Array.from({ length: 1 + rng.below(5) }, () => ({
    contractAddress: num.toHex(rng.bits(251)),
    entrypoint: rng.pick(["transfer", "approve", "increase", "multicall_step", "__execute__"]),
    calldata: Array.from({ length: rng.below(21) }, () => feltInput(rng)).map(String),
  }));
}

interface RandomTransaction {
  parameters: InvokeTransactionHashParameters;
  calls: Call[];
  cairoVersion: "0" | "1";
}

function randomTransaction(rng: ReturnType<typeof random>, boundsPool: readonly ResourceBoundsBN[]): RandomTransaction {
  const calls = randomCalls(rng);
  const cairoVersion = rng.chance(0.8) ? "1" : "0";
  const list = (probability: number) => (rng.chance(probability) ? Array.from({ length: 1 + rng.below(4) }, () => feltInput(rng)) : []);
  const parameters: InvokeTransactionHashParameters = {
    senderAddress: num.toHex(rng.bits(251)),
    version: rng.chance(0.8) ? "0x3" : "0x100000000000000000000000000000003",
    compiledCalldata: transaction.getExecuteCalldata(calls, cairoVersion),
    chainId: rng.pick(CHAINS),
    nonce: rng.pick<bigint | number | string>([0n, rng.bits(64), rng.below(1_000_000), num.toHex(rng.bits(128))]),
    accountDeploymentData: list(0.25),
    nonceDataAvailabilityMode: rng.below(2),
    feeDataAvailabilityMode: rng.below(2),
    // Repeated bounds half of the time, so the caching hasher hits and misses.
    resourceBounds: rng.chance(0.5) ? rng.pick(boundsPool) : randomBounds(rng),
    tip: rng.pick<bigint | number | string>([0, 0n, rng.bits(64), "0x10", MAX_AMOUNT]),
    paymasterData: list(0.25),
    ...(rng.chance(0.1) ? { proofFacts: list(1) } : {}),
  };
  return { parameters, calls, cairoVersion };
}

const starknetHash = (parameters: InvokeTransactionHashParameters) => hash.calculateInvokeTransactionHash(parameters as never);

describe("fast v3 invoke transaction hash", () => {
  it("equals hash.calculateInvokeTransactionHash on 600 random transactions", () => {
    const rng = random(4n);
    const boundsPool = Array.from({ length: 3 }, () => randomBounds(rng));
    const hasher = createInvokeTransactionHasher();
    for (let i = 0; i < 600; i++) {
      const { parameters } = randomTransaction(rng, boundsPool);
      const expected = starknetHash(parameters);
      expect(invokeTransactionHash(parameters)).toBe(expected);
      expect(hasher(parameters)).toBe(expected);
    }
  });

  it("keeps a remembered fee field only while everything it depends on repeats", () => {
    const rng = random(5n);
    const boundsPool = [randomBounds(rng)];
    const { parameters: base } = randomTransaction(rng, boundsPool);
    const hasher = createInvokeTransactionHasher();
    const variants: InvokeTransactionHashParameters[] = [
      base,
      { ...base, nonce: 12_345 },
      { ...base, tip: 1 },
      { ...base, resourceBounds: { ...base.resourceBounds, l2_gas: { ...base.resourceBounds.l2_gas, max_amount: base.resourceBounds.l2_gas.max_amount + 1n } } },
      { ...base, paymasterData: [1] },
      { ...base, paymasterData: [1, 2] },
      { ...base, chainId: CHAINS[3] as string },
      { ...base, senderAddress: "0x42" },
      { ...base, version: "0x100000000000000000000000000000003" },
      base,
    ];
    for (const parameters of variants) expect(hasher(parameters)).toBe(starknetHash(parameters));
  });
});

describe("SessionSigner on the fast hash", () => {
  const privateKey = "0x" + "5c".repeat(31);
  const publicKey = ec.starkCurve.getPublicKey(privateKey);
  const verifies = (signature: string[], message: string) => ec.starkCurve.verify(new ec.starkCurve.Signature(BigInt(signature[1] as string), BigInt(signature[2] as string)), message, publicKey);

  it("signs exactly what starknet.js's Signer signs over poseidon(hash, generation), on 60 random transactions", async () => {
    const rng = random(6n);
    const boundsPool = [randomBounds(rng)];
    for (let i = 0; i < 60; i++) {
      const { parameters, calls, cairoVersion } = randomTransaction(rng, boundsPool);
      const generation = 1 + rng.below(1_000);
      const signer = new SessionSigner({
        privateKey,
        validUntil: 1_900_000_000,
        generation,
        accountAddress: String(parameters.senderAddress),
        chainId: String(parameters.chainId),
        maxFee: 2n ** 260n,
        maxTip: 2n ** 64n,
      });
      const details = {
        walletAddress: String(parameters.senderAddress),
        chainId: parameters.chainId,
        cairoVersion,
        version: parameters.version,
        nonce: parameters.nonce,
        resourceBounds: parameters.resourceBounds,
        tip: parameters.tip,
        paymasterData: [...parameters.paymasterData],
        accountDeploymentData: [...parameters.accountDeploymentData],
        nonceDataAvailabilityMode: parameters.nonceDataAvailabilityMode === 0 ? "L1" : "L2",
        feeDataAvailabilityMode: parameters.feeDataAvailabilityMode === 0 ? "L1" : "L2",
        ...(parameters.proofFacts === undefined ? {} : { proofFacts: [...parameters.proofFacts] }),
      } as InvocationsSignerDetails;
      const signature = (await signer.signTransaction(calls, details)) as string[];
      const message = sessionMessageHash(starknetHash(parameters), generation);
      expect(verifies(signature, message)).toBe(true);
      // RFC 6979 nonces: the very signature a plain ECDSA over the same message gives.
      const { r, s } = ec.starkCurve.sign(message, privateKey);
      expect(signature).toEqual([ec.starkCurve.getStarkKey(privateKey), num.toHex(r), num.toHex(s), num.toHex(1_900_000_000)]);
    }
  });

  it("leaves details starknet.js treats otherwise to starknet.js, with its own error", async () => {
    const account = "0x789";
    const chainId = constants.StarknetChainId.SN_SEPOLIA;
    const signer = new SessionSigner({ privateKey, validUntil: 1_900_000_000, generation: 1, accountAddress: account, chainId });
    const plain = new Signer(privateKey);
    const calls = [{ contractAddress: "0x123", entrypoint: "transfer", calldata: ["0x456", "0x1", "0x0"] }];
    const details: InvocationsSignerDetails = {
      walletAddress: account,
      chainId,
      cairoVersion: "1",
      version: "0x3",
      nonce: 1,
      tip: 0,
      resourceBounds: { l1_gas: { max_amount: 0n, max_price_per_unit: 1n }, l2_gas: { max_amount: 10n ** 6n, max_price_per_unit: 10n ** 9n }, l1_data_gas: { max_amount: 1_000n, max_price_per_unit: 1n } },
      paymasterData: [],
      accountDeploymentData: [],
      nonceDataAvailabilityMode: "L1",
      feeDataAvailabilityMode: "L1",
    };
    const odd = [
      { ...details, version: "0x1" },
      { ...details, nonceDataAvailabilityMode: "L3" },
      { ...details, resourceBounds: { ...details.resourceBounds, l2_gas: { max_amount: 10 ** 6, max_price_per_unit: 10 ** 9 } } },
    ] as unknown as InvocationsSignerDetails[];
    for (const variant of odd) {
      const expected = await plain.signTransaction(calls, variant).then(
        () => undefined,
        (error: Error) => error.message,
      );
      expect(expected).toBeDefined();
      await expect(signer.signTransaction(calls, variant)).rejects.toThrow(expected as string);
    }
  });
});

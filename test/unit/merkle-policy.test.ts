// Merkle (contract, selector) method policies: the SDK against the shared vectors, every
// proof folded the way the account folds it (written out here, apart from the SDK), the
// type hashes against their type strings, tampering, and the encodings' round trips.
// contracts/tests/test_merkle_vectors.cairo runs the same vectors on the contract's hashing.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { hash, num, selector, shortString, typedData, TypedDataRevision } from "starknet";
import { describe, expect, it } from "vitest";
import { CAIRO_TEST_PATH, FIXTURE_PATH, generateMerkleVectors, renderCairoTest, vectorEntry } from "../../scripts/generate-merkle-vectors.ts";
import {
  ALLOWED_METHOD_TYPE_HASH,
  ALLOWED_METHOD_WITH_ARGUMENTS_TYPE_HASH,
  buildMethodPolicy,
  type CallProof,
  decodeCallProofs,
  encodeCallProofs,
  type MethodPolicyEntry,
  methodLeaf,
  methodPolicyFromJSON,
  POLICY_SIGNATURE_MAGIC,
  policySessionSignature,
} from "../../sdk/policies/methods.ts";
import vectors from "../fixtures/merkle-vectors.json" with { type: "json" };

const root = join(import.meta.dirname, "..", "..");
const P = 2n ** 251n + 17n * 2n ** 192n + 1n;
const PLAIN_TYPE = '"Allowed Method"("Contract Address":"ContractAddress","selector":"selector")';
const PINNED_TYPE = '"Allowed Method With Arguments"("Contract Address":"ContractAddress","selector":"selector","Pinned Arguments":"felt*")';

// The account's algorithm, written plainly: leaf from (to, selector, pins), then
// `node = hades(min(node, sibling), max(node, sibling)).0` for each sibling.
function plainLeaf(to: string, selectorHex: string, pinned: readonly { index: number; value: string }[]): bigint {
  if (pinned.length === 0) return BigInt(hash.computePoseidonHashOnElements([selector.starknetKeccak(PLAIN_TYPE), to, selectorHex]));
  const pins = hash.computePoseidonHashOnElements(pinned.flatMap((pin) => [BigInt(pin.index), BigInt(pin.value)]));
  return BigInt(hash.computePoseidonHashOnElements([selector.starknetKeccak(PINNED_TYPE), to, selectorHex, pins]));
}
function fold(leaf: bigint | string, proof: readonly string[]): bigint {
  let node = BigInt(leaf);
  for (const sibling of proof.map(BigInt)) node = BigInt(node < sibling ? hash.computePoseidonHash(node, sibling) : hash.computePoseidonHash(sibling, node));
  return node;
}

const treeOf = (leaves: number) => vectors.trees.find((tree) => tree.leaves === leaves)!;
const entriesOf = (size: number): MethodPolicyEntry[] => Array.from({ length: size }, (_, i) => vectorEntry(i, size));
const game = "0x0123";
const token = "0x0456";
const shop = "0x0789";

describe("Merkle method policy vectors", () => {
  it("regenerate to exactly test/fixtures/merkle-vectors.json", () => {
    expect(JSON.parse(readFileSync(FIXTURE_PATH, "utf8"))).toEqual(generateMerkleVectors());
  });

  it("are the ones contracts/tests/test_merkle_vectors.cairo runs", () => {
    // Layout aside (a formatter may rewrap it), the Cairo test is the generated one.
    const canonical = (text: string) => text.replace(/\s+/g, "").replace(/,([\])}])/g, "$1");
    expect(canonical(readFileSync(CAIRO_TEST_PATH, "utf8"))).toBe(canonical(renderCairoTest(generateMerkleVectors())));
  });

  it("cover trees of 1, 2, 3, 7, 8 and 1,024 leaves, first, middle and last leaf of each", () => {
    expect(vectors.trees.map((tree) => tree.leaves)).toEqual([1, 2, 3, 7, 8, 1024]);
    for (const tree of vectors.trees) {
      const indexes = tree.samples.map((sample) => sample.index);
      expect(indexes[0]).toBe(0);
      expect(indexes.at(-1)).toBe(tree.leaves - 1);
      expect(indexes.length).toBeGreaterThanOrEqual(Math.min(tree.leaves, tree.leaves > 8 ? 4 : 3));
    }
    expect(treeOf(1024).samples.every((sample) => sample.proof.length === 10)).toBe(true);
    expect(vectors.trees.some((tree) => tree.samples.some((sample) => sample.pinned.length > 1))).toBe(true);
  });

  for (const tree of vectors.trees) {
    it(`${tree.name}: each sample's leaf is the account's leaf and its proof folds to the root`, () => {
      for (const sample of tree.samples) {
        expect(num.toHex(plainLeaf(sample.entry.contractAddress, sample.entry.selector, sample.pinned)), `entry ${sample.index}`).toBe(sample.leaf);
        expect(num.toHex(fold(sample.leaf, sample.proof)), `entry ${sample.index}`).toBe(tree.root);
        expect(sample.encodedCallProof).toEqual(encodeCallProofs([{ pinned: sample.pinned, proof: sample.proof }]).slice(1));
      }
    });

    it(`${tree.name}: ${tree.leaves > 8 ? "every 16th entry's" : "every entry's"} proof from the SDK folds to the root`, () => {
      const entries = entriesOf(tree.leaves);
      const policy = buildMethodPolicy(entries);
      expect(policy.root).toBe(tree.root);
      // All of a small tree; a stride through the large one (starknet.js Poseidon is slow).
      for (const entry of entries.filter((_, i) => tree.leaves <= 8 || i % 16 === 15)) {
        const { pinned, proof } = policy.proofFor(entry);
        expect(fold(plainLeaf(num.toHex64(entry.contractAddress), hash.getSelectorFromName(entry.entrypoint!), pinned), proof)).toBe(BigInt(tree.root));
      }
    });
  }

  it("a single-leaf tree's root is its leaf, with an empty proof", () => {
    const [sample] = treeOf(1).samples;
    expect(treeOf(1).root).toBe(sample!.leaf);
    expect(sample!.proof).toEqual([]);
    expect(sample!.encodedCallProof).toEqual(["0x0", "0x0"]);
  });

  it("the signature vector is [MAGIC, session_pubkey, r, s, valid_until, ...Serde(Span<CallProof>)]", () => {
    const { signature } = vectors;
    const proofs = treeOf(3).samples.map(({ pinned, proof }) => ({ pinned, proof }));
    expect(signature.felts).toEqual([vectors.magic, signature.publicKey, signature.r, signature.s, signature.validUntil, ...signature.encodedCallProofs]);
    expect(signature.encodedCallProofs).toEqual([num.toHex(proofs.length), ...treeOf(3).samples.flatMap((sample) => sample.encodedCallProof)]);
    expect(policySessionSignature({ ...signature, proofs })).toEqual(signature.felts);
  });
});

describe("leaf type hashes", () => {
  const policyCairo = readFileSync(join(root, "contracts/session/policy.cairo"), "utf8");
  const cairoTypeString = (name: string) => {
    const match = policyCairo.match(new RegExp(`${name}: felt252 = selector!\\(\\s*"((?:[^"\\\\]|\\\\.)*)"`));
    if (!match?.[1]) throw new Error(`${name} not found in contracts/session/policy.cairo`);
    return match[1].replace(/\\"/g, '"');
  };
  // The leaves as SNIP-12 revision 1 structs: a felt* hashes as poseidon of its elements.
  const types = {
    StarknetDomain: [{ name: "name", type: "shortstring" }],
    "Allowed Method": [
      { name: "Contract Address", type: "ContractAddress" },
      { name: "selector", type: "selector" },
    ],
    "Allowed Method With Arguments": [
      { name: "Contract Address", type: "ContractAddress" },
      { name: "selector", type: "selector" },
      { name: "Pinned Arguments", type: "felt*" },
    ],
  };
  const revision = TypedDataRevision.ACTIVE;

  it("are starknetKeccak of the type strings, in the SDK, the fixture and the contract", () => {
    expect(ALLOWED_METHOD_TYPE_HASH).toBe(num.toHex(selector.starknetKeccak(PLAIN_TYPE)));
    expect(ALLOWED_METHOD_WITH_ARGUMENTS_TYPE_HASH).toBe(num.toHex(selector.starknetKeccak(PINNED_TYPE)));
    expect(vectors.typeHashes.allowedMethod).toEqual({ type: PLAIN_TYPE, hash: ALLOWED_METHOD_TYPE_HASH });
    expect(vectors.typeHashes.allowedMethodWithArguments).toEqual({ type: PINNED_TYPE, hash: ALLOWED_METHOD_WITH_ARGUMENTS_TYPE_HASH });
    expect(cairoTypeString("ALLOWED_METHOD_TYPE_HASH")).toBe(PLAIN_TYPE);
    expect(cairoTypeString("ALLOWED_METHOD_WITH_ARGUMENTS_TYPE_HASH")).toBe(PINNED_TYPE);
  });

  it("are the SNIP-12 revision 1 type hashes of matching type definitions", () => {
    expect(typedData.getTypeHash(types, "Allowed Method", revision)).toBe(ALLOWED_METHOD_TYPE_HASH);
    expect(typedData.getTypeHash(types, "Allowed Method With Arguments", revision)).toBe(ALLOWED_METHOD_WITH_ARGUMENTS_TYPE_HASH);
  });

  it("make each leaf the SNIP-12 revision 1 struct hash of its entry", () => {
    for (const sample of treeOf(8).samples) {
      const { contractAddress, selector: selectorHex } = sample.entry;
      const struct =
        sample.pinned.length === 0
          ? typedData.getStructHash(types, "Allowed Method", { "Contract Address": contractAddress, selector: selectorHex }, revision)
          : typedData.getStructHash(types, "Allowed Method With Arguments", { "Contract Address": contractAddress, selector: selectorHex, "Pinned Arguments": sample.pinned.flatMap((pin) => [pin.index, pin.value]) }, revision);
      expect(struct).toBe(sample.leaf);
    }
  });

  it("the signature magic is 'SESSION_POLICY_V1', as in contracts/signature.cairo", () => {
    expect(POLICY_SIGNATURE_MAGIC).toBe(shortString.encodeShortString("SESSION_POLICY_V1"));
    expect(vectors.magic).toBe(POLICY_SIGNATURE_MAGIC);
    expect(readFileSync(join(root, "contracts/signature.cairo"), "utf8")).toMatch(/POLICY_SIGNATURE_MAGIC: felt252 = 'SESSION_POLICY_V1';/);
  });
});

describe("tampering", () => {
  it("a proof does not fold to another tree's root", () => {
    for (const sample of treeOf(7).samples) {
      expect(fold(sample.leaf, sample.proof)).toBe(BigInt(treeOf(7).root));
      expect(fold(sample.leaf, sample.proof)).not.toBe(BigInt(treeOf(8).root));
    }
    const [first] = treeOf(8).samples;
    expect(fold(first!.leaf, treeOf(7).samples[0]!.proof)).not.toBe(BigInt(treeOf(8).root));
  });

  it("a changed sibling or a dropped one breaks the proof", () => {
    const sample = treeOf(1024).samples[1]!;
    const changed = [...sample.proof];
    changed[4] = num.toHex(BigInt(changed[4]!) + 1n);
    expect(fold(sample.leaf, changed)).not.toBe(BigInt(treeOf(1024).root));
    expect(fold(sample.leaf, sample.proof.slice(0, -1))).not.toBe(BigInt(treeOf(1024).root));
  });

  it("a swapped pinned value, a moved pin or a dropped pin gives another leaf", () => {
    const sample = treeOf(7).samples.find((s) => s.pinned.length === 2)!;
    const leaf = BigInt(sample.leaf);
    const { contractAddress: to, selector: sel } = sample.entry;
    const [a, b] = sample.pinned as [{ index: number; value: string }, { index: number; value: string }];
    expect(plainLeaf(to, sel, [{ ...a, value: b.value }, { ...b, value: a.value }])).not.toBe(leaf);
    expect(plainLeaf(to, sel, [{ ...a, value: num.toHex(BigInt(a.value) - 1n) }, b])).not.toBe(leaf);
    expect(plainLeaf(to, sel, [{ ...a, index: a.index + 1 }, b])).not.toBe(leaf);
    expect(plainLeaf(to, sel, [a])).not.toBe(leaf);
    expect(plainLeaf(to, sel, [])).not.toBe(leaf);
  });

  it("a leaf cannot pass for an inner node: a 3- or 4-felt poseidon_hash_span is not a 2-felt hades permutation", () => {
    const policy = buildMethodPolicy(entriesOf(8));
    const sample = treeOf(8).samples[0]!;
    // The bare fold accepts an inner node with the rest of the proof: what keeps a call from
    // using one is that the account computes the leaf itself, and no leaf hash is a node hash.
    const [x, y] = [BigInt(sample.leaf), BigInt(sample.proof[0]!)].sort((m, n) => (m < n ? -1 : 1)) as [bigint, bigint];
    const inner = BigInt(hash.computePoseidonHash(x, y));
    expect(fold(inner, sample.proof.slice(1))).toBe(BigInt(policy.root));
    expect(BigInt(hash.computePoseidonHashOnElements([x, y]))).not.toBe(inner);
    expect(BigInt(hash.computePoseidonHashOnElements([ALLOWED_METHOD_TYPE_HASH, x, y]))).not.toBe(inner);
    expect(entriesOf(8).map((entry) => BigInt(methodLeaf(entry)))).not.toContain(inner);
  });
});

describe("buildMethodPolicy", () => {
  const entries: MethodPolicyEntry[] = [
    { contractAddress: game, entrypoint: "move" },
    { contractAddress: token, entrypoint: "transfer", pinned: [{ index: 0, value: shop }] },
    { contractAddress: token, entrypoint: "approve", pinned: [{ index: 0, value: shop }] },
    { contractAddress: token, entrypoint: "approve" },
  ];

  it("gives a root that depends on the set of entries, not their order", () => {
    expect(buildMethodPolicy([...entries].reverse()).root).toBe(buildMethodPolicy(entries).root);
    expect(buildMethodPolicy(entries.slice(1)).root).not.toBe(buildMethodPolicy(entries).root);
  });

  it("normalises entries: padded addresses, selectors, pins sorted by index with hex values", () => {
    const policy = buildMethodPolicy([{ contractAddress: "0x456", selector: "0x0083afd3f4caedc6eebf44246fe54e38c95e3179a5ec9ea81740eca5b482d12e", pinned: [{ index: 2, value: 7 }, { index: 0, value: 10n }] }]);
    expect(policy.entries).toEqual([
      { contractAddress: num.toHex64("0x456"), selector: hash.getSelectorFromName("transfer"), pinned: [{ index: 0, value: "0xa" }, { index: 2, value: "0x7" }] },
    ]);
    // The same entry by name, and with both name and selector, has the same leaf.
    const byName = { contractAddress: token, entrypoint: "transfer", pinned: [{ index: 0, value: "0xa" }, { index: 2, value: "0x7" }] };
    expect(methodLeaf(byName)).toBe(policy.leafFor(byName));
    expect(methodLeaf({ ...byName, selector: hash.getSelectorFromName("transfer") })).toBe(policy.root);
  });

  it("refuses an empty list, duplicates and malformed entries", () => {
    const refuses = (list: unknown, message: RegExp) => expect(() => buildMethodPolicy(list as MethodPolicyEntry[])).toThrow(expect.objectContaining({ code: "INVALID_INPUT", message: expect.stringMatching(message) }));
    refuses([], /non-empty/);
    refuses(undefined, /non-empty/);
    refuses([entries[0], { contractAddress: "0x123", entrypoint: "move" }], /entry 1 repeats entry 0/);
    refuses([{ contractAddress: token, entrypoint: "approve", pinned: [{ index: 1, value: 2 }, { index: 0, value: 1 }] }, { contractAddress: token, selector: hash.getSelectorFromName("approve"), pinned: [{ index: 0, value: "0x1" }, { index: 1, value: 2n }] }], /repeats/);
    refuses([{ contractAddress: "0x0", entrypoint: "move" }], /out of range/);
    refuses([{ contractAddress: "123", entrypoint: "move" }], /0x/);
    refuses([{ contractAddress: num.toHex(2n ** 251n), entrypoint: "move" }], /out of range/);
    refuses([{ contractAddress: game }], /entrypoint.*or a selector/);
    refuses([{ contractAddress: game, entrypoint: "0x12" }], /not an entrypoint name/);
    refuses([{ contractAddress: game, selector: "move" }], /not a hex selector/);
    refuses([{ contractAddress: game, entrypoint: "move", selector: hash.getSelectorFromName("jump") }], /is not the selector of "move"/);
    refuses([{ contractAddress: game, entrypoint: "move", pinned: [] }], /pinned is empty/);
    refuses([{ contractAddress: game, entrypoint: "move", pinned: [{ index: 1, value: 1 }, { index: 1, value: 2 }] }], /pinned twice/);
    refuses([{ contractAddress: game, entrypoint: "move", pinned: [{ index: -1, value: 1 }] }], /u32/);
    refuses([{ contractAddress: game, entrypoint: "move", pinned: [{ index: 2 ** 32, value: 1 }] }], /u32/);
    refuses([{ contractAddress: game, entrypoint: "move", pinned: [{ index: 0.5, value: 1 }] }], /u32/);
    refuses([{ contractAddress: game, entrypoint: "move", pinned: [{ index: 0, value: P }] }], /out of range for a felt/);
    refuses([{ contractAddress: game, entrypoint: "move", pinned: [{ index: 0, value: -1n }] }], /out of range for a felt/);
  });

  it("leafFor and proofFor refuse an entry the policy does not have", () => {
    const policy = buildMethodPolicy(entries);
    expect(() => policy.proofFor({ contractAddress: game, entrypoint: "jump" })).toThrow(expect.objectContaining({ code: "SESSION_METHOD_NOT_ALLOWED" }));
    expect(() => policy.leafFor({ contractAddress: token, entrypoint: "transfer" })).toThrow(/not in this method policy/);
  });
});

describe("proofForCall", () => {
  const policy = buildMethodPolicy([
    { contractAddress: game, entrypoint: "move" },
    { contractAddress: token, entrypoint: "transfer", pinned: [{ index: 0, value: shop }] },
    { contractAddress: token, entrypoint: "approve", pinned: [{ index: 0, value: shop }, { index: 2, value: 0 }] },
    { contractAddress: token, entrypoint: "approve" },
  ]);
  const proves = (proof: CallProof, to: string, entrypoint: string) => fold(plainLeaf(num.toHex64(to), hash.getSelectorFromName(entrypoint), proof.pinned), proof.proof) === BigInt(policy.root);

  it("proves a plain (contract, selector) call, whatever its calldata", () => {
    const proof = policy.proofForCall({ contractAddress: game, entrypoint: "move", calldata: [1, 2] });
    expect(proof.pinned).toEqual([]);
    expect(proves(proof, game, "move")).toBe(true);
    expect(policy.proofForCall({ contractAddress: "0x123", selector: hash.getSelectorFromName("move") })).toEqual(proof);
  });

  it("picks the pinned entry whose pins all match the compiled calldata", () => {
    // transfer(recipient, amount: u256): calldata [shop, low, high].
    const proof = policy.proofForCall({ contractAddress: token, entrypoint: "transfer", calldata: { recipient: shop, amount: { low: 5, high: 0 } } });
    expect(proof.pinned).toEqual([{ index: 0, value: "0x789" }]);
    expect(proves(proof, token, "transfer")).toBe(true);
    const approve = policy.proofForCall({ contractAddress: token, entrypoint: "approve", calldata: [shop, 100, 0] });
    expect(approve.pinned).toEqual([{ index: 0, value: "0x789" }, { index: 2, value: "0x0" }]);
    expect(proves(approve, token, "approve")).toBe(true);
  });

  it("falls back to the plain entry when the pins do not match", () => {
    const proof = policy.proofForCall({ contractAddress: token, entrypoint: "approve", calldata: [shop, 100, 1] });
    expect(proof.pinned).toEqual([]);
    expect(proves(proof, token, "approve")).toBe(true);
  });

  it("refuses a call no entry allows, and one whose pinned positions differ or are missing", () => {
    const refused = (call: Parameters<typeof policy.proofForCall>[0], message: RegExp) =>
      expect(() => policy.proofForCall(call)).toThrow(expect.objectContaining({ code: "SESSION_METHOD_NOT_ALLOWED", message: expect.stringMatching(message) }));
    refused({ contractAddress: game, entrypoint: "jump", calldata: [] }, /no entry for selector/);
    refused({ contractAddress: shop, entrypoint: "move" }, /no entry for selector/);
    refused({ contractAddress: token, entrypoint: "transfer", calldata: ["0x78a", 5, 0] }, /does not match the pinned arguments/);
    refused({ contractAddress: token, entrypoint: "transfer", calldata: [] }, /does not match the pinned arguments/);
  });
});

describe("encodings", () => {
  const proofs: CallProof[] = [
    { pinned: [], proof: [] },
    { pinned: [{ index: 0, value: "0x789" }, { index: 4, value: num.toHex(P - 1n) }], proof: ["0x1", "0x2", "0x3"] },
    { pinned: [], proof: ["0xabc"] },
  ];

  it("encodes Serde(Span<CallProof>) and decodes it back", () => {
    const felts = encodeCallProofs(proofs);
    expect(felts).toEqual(["0x3", "0x0", "0x0", "0x2", "0x0", "0x789", "0x4", num.toHex(P - 1n), "0x3", "0x1", "0x2", "0x3", "0x0", "0x1", "0xabc"]);
    expect(decodeCallProofs(felts)).toEqual(proofs);
    expect(encodeCallProofs([])).toEqual(["0x0"]);
    for (const tree of vectors.trees) {
      const encoded = encodeCallProofs(tree.samples.map(({ pinned, proof }) => ({ pinned, proof })));
      expect(encodeCallProofs(decodeCallProofs(encoded))).toEqual(encoded);
    }
  });

  it("decodes as strictly as the account: no short input, no trailing felts", () => {
    const felts = encodeCallProofs(proofs);
    expect(() => decodeCallProofs(felts.slice(0, -1))).toThrow(/end before/);
    expect(() => decodeCallProofs([...felts, "0x0"])).toThrow(/1 felts follow/);
    expect(() => decodeCallProofs(["0x1", "0x1", num.toHex(2n ** 32n), "0x5", "0x0"])).toThrow(/u32/);
  });

  it("refuses pins out of order in a proof: the account would", () => {
    expect(() => encodeCallProofs([{ pinned: [{ index: 2, value: "0x1" }, { index: 1, value: "0x1" }], proof: [] }])).toThrow(/strictly increasing/);
  });

  it("lays out a policy session's signature behind the magic felt", () => {
    const signature = policySessionSignature({ publicKey: "0x1234", r: 1n, s: "0x2", validUntil: 1_800_000_000, proofs });
    expect(signature.slice(0, 5)).toEqual([POLICY_SIGNATURE_MAGIC, "0x1234", "0x1", "0x2", num.toHex(1_800_000_000)]);
    expect(signature.slice(5)).toEqual(encodeCallProofs(proofs));
    expect(() => policySessionSignature({ publicKey: "0x1234", r: 1, s: 2, validUntil: 2n ** 64n, proofs })).toThrow(/u64/);
    expect(() => policySessionSignature({ publicKey: 0, r: 1, s: 2, validUntil: 1, proofs })).toThrow(/publicKey/);
  });

  it("serialize and methodPolicyFromJSON rebuild the same policy, and check its root", () => {
    const policy = buildMethodPolicy(entriesOf(7));
    const text = policy.serialize();
    const restored = methodPolicyFromJSON(text);
    expect(restored.root).toBe(policy.root);
    expect(restored.entries).toEqual(policy.entries);
    expect(methodPolicyFromJSON(JSON.parse(JSON.stringify(policy))).root).toBe(policy.root);
    // Entry 2 pins calldata[1] = P - 3 and calldata[3] = 2.
    const call = { contractAddress: "0x1002", entrypoint: "method_2", calldata: [9, num.toHex(P - 3n), 9, 2] };
    expect(policy.proofForCall(call).pinned).toHaveLength(2);
    expect(restored.proofForCall(call)).toEqual(policy.proofForCall(call));
    const stored = JSON.parse(text);
    expect(() => methodPolicyFromJSON({ ...stored, root: treeOf(8).root })).toThrow(/not the stored/);
    expect(() => methodPolicyFromJSON({ ...stored, entries: stored.entries.slice(1) })).toThrow(/not the stored/);
    expect(() => methodPolicyFromJSON({ ...stored, version: 2 })).toThrow(/version: 1/);
    expect(() => methodPolicyFromJSON("{")).toThrow(/JSON/);
  });
});

describe("sdk/policies/methods.ts", () => {
  it("imports no Node built-in: the SDK runs in browsers", () => {
    expect(readFileSync(join(root, "sdk/policies/methods.ts"), "utf8")).not.toMatch(/from "node:|require\(/);
  });
});

// (contract, selector) method policies as a Merkle root, with calldata values optionally
// pinned: the off-chain half of contracts/session/policy.cairo. Pure and browser-safe.
//
// - Leaf, no pins: poseidon([ALLOWED_METHOD_TYPE_HASH, contract, selector]) (Argent's and
//   Cartridge's leaf). With pins (strictly increasing indexes):
//   poseidon([ALLOWED_METHOD_WITH_ARGUMENTS_TYPE_HASH, contract, selector,
//   poseidon([index0, value0, index1, value1, ...])]). Both equal the SNIP-12 revision 1
//   struct hashes of the type strings below.
// - Inner node: one Poseidon permutation of the sorted pair, `computePoseidonHash(min, max)`.
//   A leaf hashes 3 or 4 felts behind a type hash, a node is a 2-felt permutation: no leaf
//   can pass for an inner node.
// - The tree is @openzeppelin/merkle-tree's SimpleMerkleTree over the leaves sorted by
//   value: a complete binary tree without padding (a single leaf is its own root, with an
//   empty proof). Sorting makes the root a function of the set of entries, not of their
//   order; sorted pairs make proofs position-free, so the account only folds.
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { type CallProofEncoder, type ContractCall, NO_METHOD_POLICY, POLICY_SIGNATURE_MAGIC } from "../signers/sessionSigner.ts";
import { type BigNumberish, type Calldata, CallData, hash, num, type RawArgs, selector as selectorUtils } from "starknet";
import { SessionError } from "../errors.ts";
import { parseAddress } from "../utils/keys.ts";
import { assertNotBlocked } from "../utils/blocklist.ts";

/** The leaf type of a (contract, selector) pair: Argent's and Cartridge's. */
export const ALLOWED_METHOD_TYPE = '"Allowed Method"("Contract Address":"ContractAddress","selector":"selector")';
/** The leaf type of a (contract, selector) pair with pinned calldata values. */
export const ALLOWED_METHOD_WITH_ARGUMENTS_TYPE = '"Allowed Method With Arguments"("Contract Address":"ContractAddress","selector":"selector","Pinned Arguments":"felt*")';
/** `selector!(ALLOWED_METHOD_TYPE)` in contracts/session/policy.cairo. */
export const ALLOWED_METHOD_TYPE_HASH: string = /* @__PURE__ */ num.toHex(selectorUtils.starknetKeccak(ALLOWED_METHOD_TYPE));
/** `selector!(ALLOWED_METHOD_WITH_ARGUMENTS_TYPE)` in contracts/session/policy.cairo. */
export const ALLOWED_METHOD_WITH_ARGUMENTS_TYPE_HASH: string = /* @__PURE__ */ num.toHex(selectorUtils.starknetKeccak(ALLOWED_METHOD_WITH_ARGUMENTS_TYPE));
/** Leads a policy session's signature: `'SESSION_POLICY_V1'` (contracts/signature.cairo). */

const FIELD_PRIME = 2n ** 251n + 17n * 2n ** 192n + 1n;
const U32_LIMIT = 2 ** 32;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SELECTOR = /^0x[0-9a-fA-F]{1,64}$/;

/** A pin as a dApp writes it: `calldata[index] == value` for the allowed call. */
export interface PinnedArgumentInput {
  /** Position in the call's compiled calldata (felts), a u32. */
  index: number;
  value: BigNumberish;
}

/** A pin in normalised form (the contract's `PinnedArgument { index: u32, value: felt252 }`). */
export interface PinnedArgument {
  index: number;
  /** Hex felt. */
  value: string;
}

/**
 * One allowed method: a contract and an entrypoint name (or its `selector`, hex), and
 * optionally calldata values pinned at chosen positions. Give `entrypoint`, `selector`, or
 * both when they agree.
 */
export interface MethodPolicyEntry {
  contractAddress: string;
  /** An entrypoint name (`transfer`), hashed with `getSelectorFromName`. */
  entrypoint?: string;
  /** The selector as hex, instead of (or agreeing with) `entrypoint`. */
  selector?: string;
  /** Non-empty when given; omit it for a plain (contract, selector) entry. */
  pinned?: readonly PinnedArgumentInput[];
}

/** An entry as the policy keeps it; also a valid `MethodPolicyEntry`. */
export interface NormalizedMethodPolicyEntry {
  /** 0x + 64 hex digits. */
  contractAddress: string;
  /** The name, when the entry was given one. */
  entrypoint?: string;
  /** Hex selector. */
  selector: string;
  /** Sorted by strictly increasing index; absent for a plain entry. */
  pinned?: PinnedArgument[];
}

/** One call's `CallProof { pinned, proof }` (contracts/session/policy.cairo). */
export interface CallProof {
  /** The leaf's pins, empty for a plain (contract, selector) leaf. */
  pinned: PinnedArgument[];
  /** Sibling hashes, leaf to root (hex felts). */
  proof: string[];
}

/** A call as `proofForCall` reads it: a starknet.js `Call`, or one with its `selector`. */
export interface MethodPolicyCall {
  contractAddress: string;
  /** An entrypoint name, as starknet.js calls take. */
  entrypoint?: string;
  /** The selector as hex, instead of (or agreeing with) `entrypoint`. */
  selector?: string;
  /** As starknet.js takes it; compiled before pins are compared. */
  calldata?: RawArgs | Calldata;
}

/** What `serialize()` writes and `methodPolicyFromJSON` reads. */
export interface SerializedMethodPolicy {
  version: 1;
  /** The root the entries give, checked again when read back. */
  root: string;
  entries: NormalizedMethodPolicyEntry[];
}

export interface MethodPolicy {
  /** The session's `methods_root` (hex felt, never 0). */
  readonly root: string;
  /** The entries, normalised, in the order given. */
  readonly entries: readonly NormalizedMethodPolicyEntry[];
  /** The leaf of an entry of this policy; `SESSION_METHOD_NOT_ALLOWED` if the entry is not in it. */
  leafFor(entry: MethodPolicyEntry): string;
  /** The pins and proof of an entry of this policy; `SESSION_METHOD_NOT_ALLOWED` if the entry is not in it. */
  proofFor(entry: MethodPolicyEntry): CallProof;
  /**
   * The proof a call is sent with: a pinned entry for its (contract, selector) whose pins
   * all match its compiled calldata (the first such, in entry order), else the plain entry.
   * `SESSION_METHOD_NOT_ALLOWED` when neither exists; `INVALID_INPUT` for a malformed call.
   */
  proofForCall(call: MethodPolicyCall): CallProof;
  /** JSON text of the entries and root, to keep with the session; see `methodPolicyFromJSON`. */
  serialize(): string;
  toJSON(): SerializedMethodPolicy;
}

/** The leaf of a method entry: what the account recomputes from the call and its pins. */
export function methodLeaf(entry: MethodPolicyEntry): string {
  return leafOf(normalizeEntry(entry, "entry"));
}

/**
 * Builds a method policy: validates and normalises the entries, refuses duplicates, an
 * empty list and admin entrypoints (`SESSION_SELECTOR_BLOCKED`: the account refuses them at
 * every call), and commits to them in a Merkle root.
 * @example
 * const policy = buildMethodPolicy([
 *   { contractAddress: game, entrypoint: "move" },
 *   { contractAddress: token, entrypoint: "transfer", pinned: [{ index: 0, value: shop }] },
 * ]);
 * // policy.root is the session's methods_root; per call, policy.proofForCall(call).
 */
export function buildMethodPolicy(entries: readonly MethodPolicyEntry[]): MethodPolicy {
  if (!Array.isArray(entries) || entries.length === 0) throw new SessionError("INVALID_INPUT", "a method policy needs a non-empty array of entries");
  const normalized = entries.map((entry, i) => normalizeEntry(entry, `entry ${i}`));
  normalized.forEach((entry, i) => assertNotBlocked(entry.selector, `entry ${i}'s entrypoint`));
  return policyOf(normalized);
}

/**
 * The policy of normalised entries. Admin entrypoints are not refused here: a policy kept
 * from before the builders refused them must still load (its root is registered, and the
 * account refuses those calls anyway).
 */
function policyOf(normalized: NormalizedMethodPolicyEntry[]): MethodPolicy {
  const leaves = normalized.map(leafOf);
  const indexByLeaf = new Map<string, number>();
  leaves.forEach((leaf, i) => {
    const first = indexByLeaf.get(leaf);
    if (first !== undefined) throw new SessionError("INVALID_INPUT", `entry ${i} repeats entry ${first} (same contract, selector and pins)`);
    indexByLeaf.set(leaf, i);
  });
  // Leaves as 32-byte hex, sorted by value: the root depends on the set, not the order.
  const tree = SimpleMerkleTree.of(
    leaves.map((leaf) => num.toHex64(leaf)),
    { sortLeaves: true, nodeHash: sortedPairHash },
  );
  const root = num.toHex(tree.root);

  const proofAt = (i: number): CallProof => ({
    pinned: (normalized[i]?.pinned ?? []).map((pin) => ({ ...pin })),
    proof: tree.getProof(i).map((sibling) => num.toHex(sibling)),
  });
  const indexOf = (entry: MethodPolicyEntry): number => {
    const leaf = methodLeaf(entry);
    const i = indexByLeaf.get(leaf);
    if (i === undefined) throw methodNotAllowed(`${describeEntry(normalizeEntry(entry, "entry"))} is not in this method policy`);
    return i;
  };
  const serialized = (): SerializedMethodPolicy => ({ version: 1, root, entries: normalized.map(copyEntry) });

  return {
    root,
    entries: normalized.map(copyEntry),
    leafFor: (entry) => leaves[indexOf(entry)] as string,
    proofFor: (entry) => proofAt(indexOf(entry)),
    proofForCall(call) {
      const { contractAddress, selector, calldata } = normalizeCall(call);
      let plain: number | undefined;
      for (const [i, entry] of normalized.entries()) {
        if (entry.contractAddress !== contractAddress || BigInt(entry.selector) !== BigInt(selector)) continue;
        if (entry.pinned === undefined) plain = i;
        else if (entry.pinned.every((pin) => pin.index < calldata.length && calldata[pin.index] === BigInt(pin.value))) return proofAt(i);
      }
      if (plain !== undefined) return proofAt(plain);
      const pinnedOnly = normalized.some((entry) => entry.contractAddress === contractAddress && BigInt(entry.selector) === BigInt(selector));
      throw methodNotAllowed(
        pinnedOnly
          ? `the call to ${selector} on ${contractAddress} does not match the pinned arguments of any entry for it`
          : `the method policy has no entry for selector ${selector} on ${contractAddress}`,
      );
    },
    serialize: () => JSON.stringify(serialized()),
    toJSON: serialized,
  };
}

/** Rebuilds a policy from `serialize()`'s text (or its parsed object), checking its root. */
export function methodPolicyFromJSON(json: string | SerializedMethodPolicy): MethodPolicy {
  let data: unknown;
  try {
    data = typeof json === "string" ? JSON.parse(json) : json;
  } catch (error) {
    throw new SessionError("INVALID_INPUT", "a stored method policy must be JSON", { cause: error });
  }
  const stored = data as Partial<SerializedMethodPolicy> | null;
  if (stored === null || typeof stored !== "object" || stored.version !== 1 || typeof stored.root !== "string" || !Array.isArray(stored.entries)) {
    throw new SessionError("INVALID_INPUT", "a stored method policy is { version: 1, root, entries }");
  }
  if (stored.entries.length === 0) throw new SessionError("INVALID_INPUT", "a stored method policy has no entries");
  const policy = policyOf(stored.entries.map((entry, i) => normalizeEntry(entry, `stored entry ${i}`)));
  if (!SELECTOR.test(stored.root) || BigInt(stored.root) !== BigInt(policy.root)) {
    throw new SessionError("INVALID_INPUT", `the stored entries give the root ${policy.root}, not the stored ${stored.root}`);
  }
  return policy;
}

/** `Serde(Span<CallProof>)`: the count, then per call `[pinned.len, index, value, ..., proof.len, sibling, ...]`. */
export function encodeCallProofs(proofs: readonly CallProof[]): string[] {
  if (!Array.isArray(proofs)) throw new SessionError("INVALID_INPUT", "proofs must be an array, one per call");
  const felts: bigint[] = [BigInt(proofs.length)];
  proofs.forEach((callProof, i) => {
    if (!callProof || !Array.isArray(callProof.pinned) || !Array.isArray(callProof.proof)) throw new SessionError("INVALID_INPUT", `proof ${i} must be { pinned, proof }`);
    const pinned = normalizePins(callProof.pinned, `proof ${i}`, { allowEmpty: true, sort: false });
    felts.push(BigInt(pinned.length));
    for (const pin of pinned) felts.push(BigInt(pin.index), BigInt(pin.value));
    const siblings: readonly BigNumberish[] = callProof.proof;
    felts.push(BigInt(siblings.length));
    siblings.forEach((sibling, j) => felts.push(toFelt(sibling, `proof ${i} sibling ${j}`)));
  });
  return felts.map((felt) => num.toHex(felt));
}

/** The inverse of `encodeCallProofs`, as strict as the account's Serde: nothing may follow. */
export function decodeCallProofs(felts: readonly BigNumberish[]): CallProof[] {
  const values = felts.map((felt, i) => toFelt(felt, `felt ${i}`));
  let at = 0;
  const next = (what: string): bigint => {
    const value = values[at++];
    if (value === undefined) throw new SessionError("INVALID_INPUT", `the encoded proofs end before ${what}`);
    return value;
  };
  const length = (what: string): number => {
    const value = next(what);
    if (value >= BigInt(values.length)) throw new SessionError("INVALID_INPUT", `${what} ${value} is longer than the encoded proofs`);
    return Number(value);
  };
  const proofs: CallProof[] = [];
  for (let i = 0, count = length("the number of proofs"); i < count; i++) {
    const pinned: PinnedArgument[] = [];
    for (let j = 0, pins = length(`proof ${i}'s pin count`); j < pins; j++) {
      const index = next(`proof ${i} pin ${j}'s index`);
      if (index >= BigInt(U32_LIMIT)) throw new SessionError("INVALID_INPUT", `proof ${i} pin ${j}'s index is not a u32`);
      pinned.push({ index: Number(index), value: num.toHex(next(`proof ${i} pin ${j}'s value`)) });
    }
    const proof: string[] = [];
    for (let j = 0, siblings = length(`proof ${i}'s length`); j < siblings; j++) proof.push(num.toHex(next(`proof ${i} sibling ${j}`)));
    proofs.push({ pinned, proof });
  }
  if (at !== values.length) throw new SessionError("INVALID_INPUT", `${values.length - at} felts follow the encoded proofs`);
  return proofs;
}

export interface PolicySessionSignatureParameters {
  /** The session's public key. */
  publicKey: BigNumberish;
  r: BigNumberish;
  s: BigNumberish;
  /** The session's registered `valid_until` (unix seconds, a u64). */
  validUntil: BigNumberish;
  /** One per call, in the calls' order (`policy.proofForCall(call)`). */
  proofs: readonly CallProof[];
}

/** A policy session's signature: `[MAGIC, session_pubkey, r, s, valid_until, ...Serde(proofs)]`. */
export function policySessionSignature({ publicKey, r, s, validUntil, proofs }: PolicySessionSignatureParameters): string[] {
  const key = toFelt(publicKey, "publicKey");
  if (key === 0n) throw new SessionError("INVALID_INPUT", "publicKey must be a session's public key, not 0");
  const expiry = toFelt(validUntil, "validUntil");
  if (expiry >= 2n ** 64n) throw new SessionError("INVALID_INPUT", "validUntil must be a u64 (unix seconds)");
  return [POLICY_SIGNATURE_MAGIC, ...[key, toFelt(r, "r"), toFelt(s, "s"), expiry].map((felt) => num.toHex(felt)), ...encodeCallProofs(proofs)];
}

/** One Poseidon permutation of the sorted pair: the account's `root_from_proof` step. */
function sortedPairHash(a: string | ArrayLike<number>, b: string | ArrayLike<number>): string {
  const x = bytesToBigInt(a);
  const y = bytesToBigInt(b);
  return num.toHex64(x < y ? hash.computePoseidonHash(x, y) : hash.computePoseidonHash(y, x));
}

/** SimpleMerkleTree hands nodes over as hex strings or bytes. */
function bytesToBigInt(value: string | ArrayLike<number>): bigint {
  if (typeof value === "string") return BigInt(value);
  let hex = "0x0";
  for (let i = 0; i < value.length; i++) hex += (value[i] ?? 0).toString(16).padStart(2, "0");
  return BigInt(hex);
}

function leafOf(entry: NormalizedMethodPolicyEntry): string {
  const head = [BigInt(entry.contractAddress), BigInt(entry.selector)];
  if (entry.pinned === undefined) return num.toHex(hash.computePoseidonHashOnElements([ALLOWED_METHOD_TYPE_HASH, ...head]));
  const pins = hash.computePoseidonHashOnElements(entry.pinned.flatMap((pin) => [BigInt(pin.index), BigInt(pin.value)]));
  return num.toHex(hash.computePoseidonHashOnElements([ALLOWED_METHOD_WITH_ARGUMENTS_TYPE_HASH, ...head, pins]));
}

function normalizeEntry(entry: MethodPolicyEntry, what: string): NormalizedMethodPolicyEntry {
  if (!entry || typeof entry !== "object") throw new SessionError("INVALID_INPUT", `${what} must be { contractAddress, entrypoint | selector, pinned? }`);
  const contractAddress = address(entry.contractAddress, `${what} contractAddress`);
  const { entrypoint, selector } = resolveSelector(entry, what);
  const normalized: NormalizedMethodPolicyEntry = { contractAddress, ...(entrypoint === undefined ? {} : { entrypoint }), selector };
  if (entry.pinned !== undefined) normalized.pinned = normalizePins(entry.pinned, what, { allowEmpty: false, sort: true });
  return normalized;
}

function normalizeCall(call: MethodPolicyCall): { contractAddress: string; selector: string; calldata: bigint[] } {
  if (!call || typeof call !== "object") throw new SessionError("INVALID_INPUT", "a call must be { contractAddress, entrypoint | selector, calldata }");
  const contractAddress = address(call.contractAddress, "call contractAddress");
  const { selector } = resolveSelector(call, "call");
  let calldata: bigint[];
  try {
    calldata = CallData.toCalldata(call.calldata ?? []).map((felt) => BigInt(felt));
  } catch (error) {
    throw new SessionError("INVALID_INPUT", `call calldata: ${(error as Error).message}`, { cause: error });
  }
  return { contractAddress, selector, calldata };
}

/**
 * The selector of `{ entrypoint, selector }`. Entrypoints are names only: starknet.js
 * hashes `entrypoint` as a name, so a `"0x…"` there would not be the selector it looks like.
 */
function resolveSelector(value: { entrypoint?: unknown; selector?: unknown }, what: string): { entrypoint?: string; selector: string } {
  const { entrypoint, selector } = value;
  if (entrypoint === undefined && selector === undefined) throw new SessionError("INVALID_INPUT", `${what} needs an entrypoint (a name) or a selector (hex)`);
  let fromName: string | undefined;
  if (entrypoint !== undefined) {
    if (typeof entrypoint !== "string" || !NAME.test(entrypoint)) {
      throw new SessionError("INVALID_INPUT", `${what}: entrypoint ${JSON.stringify(entrypoint)} is not an entrypoint name; give a hex selector as \`selector\``);
    }
    fromName = hash.getSelectorFromName(entrypoint);
  }
  if (selector === undefined) return { entrypoint: entrypoint as string, selector: fromName as string };
  if (typeof selector !== "string" || !SELECTOR.test(selector) || BigInt(selector) >= 2n ** 251n) throw new SessionError("INVALID_INPUT", `${what}: ${JSON.stringify(selector)} is not a hex selector`);
  const hex = num.toHex(selector);
  if (fromName !== undefined && BigInt(fromName) !== BigInt(hex)) throw new SessionError("INVALID_INPUT", `${what}: selector ${hex} is not the selector of ${JSON.stringify(entrypoint)} (${fromName})`);
  return fromName === undefined ? { selector: hex } : { entrypoint: entrypoint as string, selector: hex };
}

function normalizePins(pins: readonly PinnedArgumentInput[], what: string, { allowEmpty, sort }: { allowEmpty: boolean; sort: boolean }): PinnedArgument[] {
  if (!Array.isArray(pins)) throw new SessionError("INVALID_INPUT", `${what}: pinned must be an array of { index, value }`);
  if (pins.length === 0 && !allowEmpty) throw new SessionError("INVALID_INPUT", `${what}: pinned is empty; omit it for an entry without pinned arguments`);
  const normalized = pins.map((pin, j) => {
    if (!pin || typeof pin !== "object") throw new SessionError("INVALID_INPUT", `${what}: pin ${j} must be { index, value }`);
    if (!Number.isInteger(pin.index) || pin.index < 0 || pin.index >= U32_LIMIT) throw new SessionError("INVALID_INPUT", `${what}: pin ${j}'s index must be a calldata position (a u32)`);
    return { index: pin.index, value: num.toHex(toFelt(pin.value, `${what} pin ${j}'s value`)) };
  });
  if (sort) normalized.sort((a, b) => a.index - b.index);
  for (let j = 1; j < normalized.length; j++) {
    const previous = (normalized[j - 1] as PinnedArgument).index;
    const index = (normalized[j] as PinnedArgument).index;
    if (index === previous) throw new SessionError("INVALID_INPUT", `${what}: calldata position ${index} is pinned twice`);
    if (index < previous) throw new SessionError("INVALID_INPUT", `${what}: pins must be sorted by strictly increasing index`);
  }
  return normalized;
}

function address(value: unknown, what: string): string {
  if (typeof value !== "string") throw new SessionError("INVALID_INPUT", `${what} must be a hex address`);
  try {
    return parseAddress(value, what);
  } catch (error) {
    throw new SessionError("INVALID_INPUT", (error as Error).message, { cause: error });
  }
}

/** A felt from a BigNumberish: an integer in [0, P). */
function toFelt(value: BigNumberish, what: string): bigint {
  let felt: bigint;
  try {
    felt = num.toBigInt(value);
  } catch (error) {
    throw new SessionError("INVALID_INPUT", `${what} is not a number`, { cause: error });
  }
  if (felt < 0n || felt >= FIELD_PRIME) throw new SessionError("INVALID_INPUT", `${what} is out of range for a felt`);
  return felt;
}

function copyEntry(entry: NormalizedMethodPolicyEntry): NormalizedMethodPolicyEntry {
  return { ...entry, ...(entry.pinned === undefined ? {} : { pinned: entry.pinned.map((pin) => ({ ...pin })) }) };
}

function describeEntry(entry: NormalizedMethodPolicyEntry): string {
  const pins = entry.pinned === undefined ? "" : ` with pins ${entry.pinned.map((pin) => `[${pin.index}]=${pin.value}`).join(", ")}`;
  return `${entry.entrypoint ?? entry.selector} on ${entry.contractAddress}${pins}`;
}

/** A call or entry outside the policy: what the account would refuse as `METHOD_NOT_ALLOWED`. */
function methodNotAllowed(message: string): SessionError {
  return new SessionError("SESSION_METHOD_NOT_ALLOWED", message);
}

/** Leads a policy session's signature (defined once, with the signer). */
export { POLICY_SIGNATURE_MAGIC };

/**
 * The prover a policy session's `SessionSigner` takes: one proof per call from `policy`
 * (throws before anything is signed when a call is not in it). Without a method policy
 * (a session whose policy has no method root), `NO_METHOD_POLICY`.
 */
export function methodPolicyProver(policy: MethodPolicy | undefined): CallProofEncoder {
  if (policy === undefined) return NO_METHOD_POLICY;
  return {
    encodeCallProofs: (calls: readonly ContractCall[]) =>
      encodeCallProofs(calls.map((call) => policy.proofForCall({ contractAddress: call.to, selector: call.selector, calldata: [...call.calldata] }))),
  };
}

// Starknet's Poseidon (Hades permutation: width 3, 8 full and 83 partial rounds, S-box x^3,
// MDS [[3,1,1],[1,-1,1],[1,1,-2]]), the same function as @scure/starknet's `poseidonSmall`
// and starknet.js's `hash.computePoseidonHash*`, about 6× faster (a permutation: ~20 µs
// against ~120 µs on a 2-core x86 VM; test/unit/fast-hash.test.ts checks equality):
// - the field arithmetic runs on float limbs instead of BigInt (crypto/starkField.ts);
// - the MDS matrix is additions only, and the additions are left unreduced: a limb carry
//   and fold (`weakReduce`) happens only before an S-box, and every 4 partial rounds for
//   the two lanes that no S-box touches;
// - partial rounds add one round constant instead of three: the constants of the lanes
//   without an S-box pass unchanged through the S-box layer, so the linear layer can carry
//   them into the next round's constants (they end up in the first closing full round).
// The round constants are starknet.js's own (`ec.starkCurve.poseidonSmall.roundConstants`,
// sha256("Hades" + i) mod p), read once on first use.
import { ec } from "starknet";
import { fromBigInt, LIMBS, montMul, montSqr, P, toBigInt, weakReduce } from "./starkField.ts";

/** A field element in Montgomery form (crypto/starkField.ts). */
export type Felt = Float64Array;
/** Poseidon's state: three lanes of LIMBS limbs. */
export type PoseidonState = Float64Array;

const FULL_ROUNDS = 8;
const PARTIAL_ROUNDS = 83;
const LANE0 = 0;
const LANE1 = LIMBS;
const LANE2 = 2 * LIMBS;

interface Constants {
  /** Three constants per full round. */
  full: Float64Array;
  /** One constant (for lane 2) per partial round. */
  partial: Float64Array;
}

let constants: Constants | undefined;

/** The MDS matrix on bigints, mod p: (3a + b + c, a - b + c, a + b - 2c). */
function mix(a: bigint, b: bigint, c: bigint): [bigint, bigint, bigint] {
  const sum = a + b + c;
  const modP = (value: bigint) => ((value % P) + P) % P;
  return [modP(sum + 2n * a), modP(sum - 2n * b), modP(sum - 3n * c)];
}

function roundConstants(): Constants {
  if (constants !== undefined) return constants;
  const rows = ec.starkCurve.poseidonSmall.roundConstants;
  const row = (round: number): [bigint, bigint, bigint] => {
    const [a = 0n, b = 0n, c = 0n] = rows[round] ?? [];
    return [a, b, c];
  };
  const half = FULL_ROUNDS / 2;
  const full = new Float64Array(FULL_ROUNDS * 3 * LIMBS);
  const partial = new Float64Array(PARTIAL_ROUNDS * LIMBS);
  const setFull = (round: number, values: readonly bigint[]) => values.forEach((value, lane) => fromBigInt(value, full, (round * 3 + lane) * LIMBS));
  for (let round = 0; round < half; round++) setFull(round, row(round));
  // Lanes 0 and 1 of each partial round's constants go through the MDS into the next round's.
  let carried: [bigint, bigint, bigint] = [0n, 0n, 0n];
  for (let round = 0; round < PARTIAL_ROUNDS; round++) {
    const [a, b, c] = row(half + round);
    fromBigInt(c + carried[2], partial, round * LIMBS);
    carried = mix(a + carried[0], b + carried[1], 0n);
  }
  const [a, b, c] = row(half + PARTIAL_ROUNDS);
  setFull(half, [a + carried[0], b + carried[1], c + carried[2]]);
  for (let round = half + 1; round < FULL_ROUNDS; round++) setFull(round, row(PARTIAL_ROUNDS + round));
  constants = { full, partial };
  return constants;
}

// Scratch: lane^2, and in partial rounds lane^3 too.
const cube = new Float64Array(2 * LIMBS);

/** lane := lane^3 (lane weakly reduced). */
function cubeLane(state: PoseidonState, lane: number): void {
  montSqr(state, lane, cube, 0);
  montMul(cube, 0, state, lane, state, lane);
}

function fullRound(state: PoseidonState, full: Float64Array, round: number): void {
  for (let lane = LANE0; lane <= LANE2; lane += LIMBS) {
    weakReduce(state, lane, full, round * 3 * LIMBS + lane);
    cubeLane(state, lane);
  }
  for (let i = 0; i < LIMBS; i++) {
    const a = state[LANE0 + i]!, b = state[LANE1 + i]!, c = state[LANE2 + i]!;
    const sum = a + b + c;
    state[LANE0 + i] = sum + 2 * a;
    state[LANE1 + i] = sum - 2 * b;
    state[LANE2 + i] = sum - 3 * c;
  }
}

/** The Hades permutation, in place. */
export function permute(state: PoseidonState): void {
  const { full, partial } = roundConstants();
  const half = FULL_ROUNDS / 2;
  for (let round = 0; round < half; round++) fullRound(state, full, round);
  for (let round = 0; round < PARTIAL_ROUNDS; round++) {
    weakReduce(state, LANE2, partial, round * LIMBS);
    montSqr(state, LANE2, cube, 0);
    montMul(cube, 0, state, LANE2, cube, LIMBS);
    // MDS with x = lane2^3: (3a + b + x, a - b + x, a + b - 2x).
    for (let i = 0; i < LIMBS; i++) {
      const a = state[LANE0 + i]!, b = state[LANE1 + i]!, x = cube[LIMBS + i]!;
      state[LANE0 + i] = 3 * a + b + x;
      state[LANE1 + i] = a - b + x;
      state[LANE2 + i] = a + b - 2 * x;
    }
    // Lanes 0 and 1 grow at most 5× per round: reduce them before weakReduce's 2^266 bound.
    if ((round & 3) === 3) {
      weakReduce(state, LANE0);
      weakReduce(state, LANE1);
    }
  }
  for (let round = half; round < FULL_ROUNDS; round++) fullRound(state, full, round);
  weakReduce(state, LANE0);
  weakReduce(state, LANE1);
  weakReduce(state, LANE2);
}

/** A field element from any bigint (taken mod p). */
export function toFelt(value: bigint): Felt {
  const felt = new Float64Array(LIMBS);
  fromBigInt(value, felt, 0);
  return felt;
}

/** The canonical value in [0, p). */
export function feltToBigInt(felt: Felt): bigint {
  return toBigInt(felt, 0);
}

/** A zero sponge state. */
export function newState(): PoseidonState {
  return new Float64Array(3 * LIMBS);
}

const scratch = new Float64Array(LIMBS);

function addToLane(state: PoseidonState, lane: number, value: bigint | Felt): void {
  let felt: Felt;
  if (typeof value === "bigint") {
    fromBigInt(value, scratch, 0);
    felt = scratch;
  } else {
    felt = value;
  }
  for (let i = 0; i < LIMBS; i++) state[lane + i] = state[lane + i]! + felt[i]!;
}

/** Absorbs two elements (rate 2): lane0 += x, lane1 += y, then permutes. In place. */
export function absorbPair(state: PoseidonState, x: bigint | Felt, y: bigint | Felt): void {
  addToLane(state, LANE0, x);
  addToLane(state, LANE1, y);
  permute(state);
}

/**
 * Poseidon over many elements, as @scure/starknet's `poseidonHashMany`: absorbs `values`
 * two by two after 1 and zeros of padding, and returns lane 0. `state` (consumed) lets a
 * caller start from a prefix absorbed with `absorbPair`.
 */
export function hashElements(values: readonly (bigint | Felt)[], state: PoseidonState = newState()): Felt {
  const count = values.length;
  let i = 0;
  for (; i + 1 < count; i += 2) absorbPair(state, values[i]!, values[i + 1]!);
  if (i < count) absorbPair(state, values[i]!, 1n);
  else absorbPair(state, 1n, 0n);
  return state.slice(LANE0, LANE0 + LIMBS);
}

/** `poseidonHashMany` of @scure/starknet (`hash.computePoseidonHashOnElements` as a bigint). */
export function poseidonHashMany(values: readonly bigint[]): bigint {
  return feltToBigInt(hashElements(values));
}

/** `poseidonHash(x, y)` of @scure/starknet (`hash.computePoseidonHash`): lane 0 of permute([x, y, 2]). */
export function poseidonHash(x: bigint, y: bigint): bigint {
  const state = newState();
  fromBigInt(x, state, LANE0);
  fromBigInt(y, state, LANE1);
  fromBigInt(2n, state, LANE2);
  permute(state);
  return toBigInt(state, LANE0);
}

/** The bare permutation on bigints (for tests against `ec.starkCurve.poseidonSmall`). */
export function poseidonPermutation(input: readonly [bigint, bigint, bigint]): [bigint, bigint, bigint] {
  const state = newState();
  input.forEach((value, lane) => fromBigInt(value, state, lane * LIMBS));
  permute(state);
  return [toBigInt(state, LANE0), toBigInt(state, LANE1), toBigInt(state, LANE2)];
}

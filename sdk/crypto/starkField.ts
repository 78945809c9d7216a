// Arithmetic modulo the Stark prime p = 2^251 + 17·2^192 + 1 on float64 limbs, for the
// Poseidon permutation (crypto/poseidon.ts). A BigInt operation allocates and its `%` is a
// long division (~120 ns measured here); a Poseidon permutation needs 214 modular
// multiplications, so even a lean BigInt version stays near 50 µs (this one: ~20 µs).
// Doubles hold integers exactly below 2^53, so 24-bit limbs multiply exactly (2^48 per
// product, 11 products per column stay below 2^52) and JIT-compiled code keeps them in
// registers, without allocating.
//
// A field element is 11 limbs of 24 bits (264 bits), little-endian, in Montgomery form
// x·2^264 mod p. Montgomery reduction is cheap for this prime: p ≡ 1 (mod 2^192), so the
// multiple of p that clears a limb is minus that limb, and adding it touches three limbs
// (the words 1, 17·2^192 and 2^251 of p). Values are kept only partially reduced: limbs
// 0-9 within (-2^21, 2^24 + 2^21), the top limb small, the value below 2^253 in absolute
// value; `weakReduce` restores that after additions, and `toBigInt` makes it canonical.
// The SDK stays browser-safe: no WebAssembly, no eval, no node: imports.

/** The Stark field prime. */
export const P = 2n ** 251n + 17n * 2n ** 192n + 1n;
/** Limbs per field element. */
export const LIMBS = 11;

const BASE = 2 ** 24;
const INV_BASE = 2 ** -24;
/** 2^251 = 2^11 · 2^(24·10): p's top word, as a weight on limb 10. */
const TOP_WEIGHT = 2 ** 11;
const R = 1n << 264n;
const R2 = (R * R) % P;

/**
 * out = a·b·2^-264 mod p (Montgomery product), limbs 0-9 normalized. Unrolled: V8 keeps
 * the 22 inputs and 21 columns in registers; the same loops run 1.4× slower.
 */
export function montMul(a: Float64Array, ao: number, b: Float64Array, bo: number, out: Float64Array, oo: number): void {
  const a0 = a[ao]!, a1 = a[ao + 1]!, a2 = a[ao + 2]!, a3 = a[ao + 3]!, a4 = a[ao + 4]!, a5 = a[ao + 5]!, a6 = a[ao + 6]!, a7 = a[ao + 7]!, a8 = a[ao + 8]!, a9 = a[ao + 9]!, a10 = a[ao + 10]!;
  const b0 = b[bo]!, b1 = b[bo + 1]!, b2 = b[bo + 2]!, b3 = b[bo + 3]!, b4 = b[bo + 4]!, b5 = b[bo + 5]!, b6 = b[bo + 6]!, b7 = b[bo + 7]!, b8 = b[bo + 8]!, b9 = b[bo + 9]!, b10 = b[bo + 10]!;
  // Column k holds the sum of a_i·b_j over i + j = k.
  let t0 = a0 * b0;
  let t1 = a0 * b1 + a1 * b0;
  let t2 = a0 * b2 + a1 * b1 + a2 * b0;
  let t3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  let t4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
  let t5 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
  let t6 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
  let t7 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
  let t8 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0;
  let t9 = a0 * b9 + a1 * b8 + a2 * b7 + a3 * b6 + a4 * b5 + a5 * b4 + a6 * b3 + a7 * b2 + a8 * b1 + a9 * b0;
  let t10 = a0 * b10 + a1 * b9 + a2 * b8 + a3 * b7 + a4 * b6 + a5 * b5 + a6 * b4 + a7 * b3 + a8 * b2 + a9 * b1 + a10 * b0;
  let t11 = a1 * b10 + a2 * b9 + a3 * b8 + a4 * b7 + a5 * b6 + a6 * b5 + a7 * b4 + a8 * b3 + a9 * b2 + a10 * b1;
  let t12 = a2 * b10 + a3 * b9 + a4 * b8 + a5 * b7 + a6 * b6 + a7 * b5 + a8 * b4 + a9 * b3 + a10 * b2;
  let t13 = a3 * b10 + a4 * b9 + a5 * b8 + a6 * b7 + a7 * b6 + a8 * b5 + a9 * b4 + a10 * b3;
  let t14 = a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4;
  let t15 = a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5;
  let t16 = a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6;
  let t17 = a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7;
  let t18 = a8 * b10 + a9 * b9 + a10 * b8;
  let t19 = a9 * b10 + a10 * b9;
  let t20 = a10 * b10;
  let h: number, m: number;
  h = Math.floor(t0 * INV_BASE); m = BASE - (t0 - h * BASE); t1 += h + 1; t8 += 17 * m; t10 += TOP_WEIGHT * m;
  h = Math.floor(t1 * INV_BASE); m = BASE - (t1 - h * BASE); t2 += h + 1; t9 += 17 * m; t11 += TOP_WEIGHT * m;
  h = Math.floor(t2 * INV_BASE); m = BASE - (t2 - h * BASE); t3 += h + 1; t10 += 17 * m; t12 += TOP_WEIGHT * m;
  h = Math.floor(t3 * INV_BASE); m = BASE - (t3 - h * BASE); t4 += h + 1; t11 += 17 * m; t13 += TOP_WEIGHT * m;
  h = Math.floor(t4 * INV_BASE); m = BASE - (t4 - h * BASE); t5 += h + 1; t12 += 17 * m; t14 += TOP_WEIGHT * m;
  h = Math.floor(t5 * INV_BASE); m = BASE - (t5 - h * BASE); t6 += h + 1; t13 += 17 * m; t15 += TOP_WEIGHT * m;
  h = Math.floor(t6 * INV_BASE); m = BASE - (t6 - h * BASE); t7 += h + 1; t14 += 17 * m; t16 += TOP_WEIGHT * m;
  h = Math.floor(t7 * INV_BASE); m = BASE - (t7 - h * BASE); t8 += h + 1; t15 += 17 * m; t17 += TOP_WEIGHT * m;
  h = Math.floor(t8 * INV_BASE); m = BASE - (t8 - h * BASE); t9 += h + 1; t16 += 17 * m; t18 += TOP_WEIGHT * m;
  h = Math.floor(t9 * INV_BASE); m = BASE - (t9 - h * BASE); t10 += h + 1; t17 += 17 * m; t19 += TOP_WEIGHT * m;
  h = Math.floor(t10 * INV_BASE); m = BASE - (t10 - h * BASE); t11 += h + 1; t18 += 17 * m; t20 += TOP_WEIGHT * m;
  h = Math.floor(t11 * INV_BASE); out[oo + 0] = t11 - h * BASE; t12 += h;
  h = Math.floor(t12 * INV_BASE); out[oo + 1] = t12 - h * BASE; t13 += h;
  h = Math.floor(t13 * INV_BASE); out[oo + 2] = t13 - h * BASE; t14 += h;
  h = Math.floor(t14 * INV_BASE); out[oo + 3] = t14 - h * BASE; t15 += h;
  h = Math.floor(t15 * INV_BASE); out[oo + 4] = t15 - h * BASE; t16 += h;
  h = Math.floor(t16 * INV_BASE); out[oo + 5] = t16 - h * BASE; t17 += h;
  h = Math.floor(t17 * INV_BASE); out[oo + 6] = t17 - h * BASE; t18 += h;
  h = Math.floor(t18 * INV_BASE); out[oo + 7] = t18 - h * BASE; t19 += h;
  h = Math.floor(t19 * INV_BASE); out[oo + 8] = t19 - h * BASE; t20 += h;
  h = Math.floor(t20 * INV_BASE); out[oo + 9] = t20 - h * BASE; out[oo + 10] = h;
}

/**
 * out = a²·2^-264 mod p: montMul(a, a) with the symmetric columns summed once. Its
 * reduction repeats montMul's line for line on purpose: unrolled and inline like
 * montMul's (see there), not shared through a call taking 21 columns.
 */
export function montSqr(a: Float64Array, ao: number, out: Float64Array, oo: number): void {
  const a0 = a[ao]!, a1 = a[ao + 1]!, a2 = a[ao + 2]!, a3 = a[ao + 3]!, a4 = a[ao + 4]!, a5 = a[ao + 5]!, a6 = a[ao + 6]!, a7 = a[ao + 7]!, a8 = a[ao + 8]!, a9 = a[ao + 9]!, a10 = a[ao + 10]!;
  // Column k holds the sum of a_i·a_j over i + j = k (cross terms once, doubled).
  let t0 = a0 * a0;
  let t1 = 2 * a0 * a1;
  let t2 = 2 * a0 * a2 + a1 * a1;
  let t3 = 2 * (a0 * a3 + a1 * a2);
  let t4 = 2 * (a0 * a4 + a1 * a3) + a2 * a2;
  let t5 = 2 * (a0 * a5 + a1 * a4 + a2 * a3);
  let t6 = 2 * (a0 * a6 + a1 * a5 + a2 * a4) + a3 * a3;
  let t7 = 2 * (a0 * a7 + a1 * a6 + a2 * a5 + a3 * a4);
  let t8 = 2 * (a0 * a8 + a1 * a7 + a2 * a6 + a3 * a5) + a4 * a4;
  let t9 = 2 * (a0 * a9 + a1 * a8 + a2 * a7 + a3 * a6 + a4 * a5);
  let t10 = 2 * (a0 * a10 + a1 * a9 + a2 * a8 + a3 * a7 + a4 * a6) + a5 * a5;
  let t11 = 2 * (a1 * a10 + a2 * a9 + a3 * a8 + a4 * a7 + a5 * a6);
  let t12 = 2 * (a2 * a10 + a3 * a9 + a4 * a8 + a5 * a7) + a6 * a6;
  let t13 = 2 * (a3 * a10 + a4 * a9 + a5 * a8 + a6 * a7);
  let t14 = 2 * (a4 * a10 + a5 * a9 + a6 * a8) + a7 * a7;
  let t15 = 2 * (a5 * a10 + a6 * a9 + a7 * a8);
  let t16 = 2 * (a6 * a10 + a7 * a9) + a8 * a8;
  let t17 = 2 * (a7 * a10 + a8 * a9);
  let t18 = 2 * a8 * a10 + a9 * a9;
  let t19 = 2 * a9 * a10;
  let t20 = a10 * a10;
  let h: number, m: number;
  h = Math.floor(t0 * INV_BASE); m = BASE - (t0 - h * BASE); t1 += h + 1; t8 += 17 * m; t10 += TOP_WEIGHT * m;
  h = Math.floor(t1 * INV_BASE); m = BASE - (t1 - h * BASE); t2 += h + 1; t9 += 17 * m; t11 += TOP_WEIGHT * m;
  h = Math.floor(t2 * INV_BASE); m = BASE - (t2 - h * BASE); t3 += h + 1; t10 += 17 * m; t12 += TOP_WEIGHT * m;
  h = Math.floor(t3 * INV_BASE); m = BASE - (t3 - h * BASE); t4 += h + 1; t11 += 17 * m; t13 += TOP_WEIGHT * m;
  h = Math.floor(t4 * INV_BASE); m = BASE - (t4 - h * BASE); t5 += h + 1; t12 += 17 * m; t14 += TOP_WEIGHT * m;
  h = Math.floor(t5 * INV_BASE); m = BASE - (t5 - h * BASE); t6 += h + 1; t13 += 17 * m; t15 += TOP_WEIGHT * m;
  h = Math.floor(t6 * INV_BASE); m = BASE - (t6 - h * BASE); t7 += h + 1; t14 += 17 * m; t16 += TOP_WEIGHT * m;
  h = Math.floor(t7 * INV_BASE); m = BASE - (t7 - h * BASE); t8 += h + 1; t15 += 17 * m; t17 += TOP_WEIGHT * m;
  h = Math.floor(t8 * INV_BASE); m = BASE - (t8 - h * BASE); t9 += h + 1; t16 += 17 * m; t18 += TOP_WEIGHT * m;
  h = Math.floor(t9 * INV_BASE); m = BASE - (t9 - h * BASE); t10 += h + 1; t17 += 17 * m; t19 += TOP_WEIGHT * m;
  h = Math.floor(t10 * INV_BASE); m = BASE - (t10 - h * BASE); t11 += h + 1; t18 += 17 * m; t20 += TOP_WEIGHT * m;
  h = Math.floor(t11 * INV_BASE); out[oo + 0] = t11 - h * BASE; t12 += h;
  h = Math.floor(t12 * INV_BASE); out[oo + 1] = t12 - h * BASE; t13 += h;
  h = Math.floor(t13 * INV_BASE); out[oo + 2] = t13 - h * BASE; t14 += h;
  h = Math.floor(t14 * INV_BASE); out[oo + 3] = t14 - h * BASE; t15 += h;
  h = Math.floor(t15 * INV_BASE); out[oo + 4] = t15 - h * BASE; t16 += h;
  h = Math.floor(t16 * INV_BASE); out[oo + 5] = t16 - h * BASE; t17 += h;
  h = Math.floor(t17 * INV_BASE); out[oo + 6] = t17 - h * BASE; t18 += h;
  h = Math.floor(t18 * INV_BASE); out[oo + 7] = t18 - h * BASE; t19 += h;
  h = Math.floor(t19 * INV_BASE); out[oo + 8] = t19 - h * BASE; t20 += h;
  h = Math.floor(t20 * INV_BASE); out[oo + 9] = t20 - h * BASE; out[oo + 10] = h;
}

const ZERO = new Float64Array(LIMBS);

/**
 * Adds add[ko..ko+11) (zero by default), carries every limb into 24 bits, then folds what
 * lies above 2^251 back with 2^251 ≡ -(17·2^192 + 1) (mod p): the value is below 2^252
 * again. Input: limbs below 2^52, and a value below 2^266 in absolute value (the fold
 * must stay within limbs 0 and 8's 2^21 margin).
 */
export function weakReduce(a: Float64Array, o: number, add: Float64Array = ZERO, ko = 0): void {
  let carry = 0;
  for (let i = 0; i < LIMBS - 1; i++) {
    const v = a[o + i]! + add[ko + i]! + carry;
    carry = Math.floor(v * INV_BASE);
    a[o + i] = v - carry * BASE;
  }
  const top = a[o + 10]! + add[ko + 10]! + carry;
  const over = Math.floor(top * 2 ** -11);
  a[o + 10] = top - over * TOP_WEIGHT;
  a[o + 8] = a[o + 8]! - 17 * over;
  a[o] = a[o]! - over;
}

// Little-endian byte buffer to move 64-bit words between BigInts and 24-bit limbs.
const words = new DataView(new ArrayBuffer(40));
const raw = new Float64Array(LIMBS);
const montgomeryR2 = new Float64Array(LIMBS);
const ONE = new Float64Array(LIMBS);
ONE[0] = 1;

/** Plain limbs of 0 <= x < 2^256 (not Montgomery form). */
function splitLimbs(x: bigint, out: Float64Array, o: number): void {
  words.setBigUint64(0, BigInt.asUintN(64, x), true);
  words.setBigUint64(8, BigInt.asUintN(64, x >> 64n), true);
  words.setBigUint64(16, BigInt.asUintN(64, x >> 128n), true);
  words.setBigUint64(24, x >> 192n, true);
  // Every 3 words (96 bits) are 4 limbs.
  for (let limb = 0, byte = 0; limb < LIMBS; limb += 4, byte += 12) {
    const w0 = words.getUint32(byte, true);
    const w1 = words.getUint32(byte + 4, true);
    const w2 = byte + 8 < 32 ? words.getUint32(byte + 8, true) : 0;
    out[o + limb] = w0 & 0xffffff;
    out[o + limb + 1] = (w0 >>> 24) | ((w1 & 0xffff) << 8);
    out[o + limb + 2] = (w1 >>> 16) | ((w2 & 0xff) << 16);
    if (limb + 3 < LIMBS) out[o + limb + 3] = w2 >>> 8;
  }
}
splitLimbs(R2, montgomeryR2, 0);

/** Writes x mod p, in Montgomery form, to out[o..o+11). Any bigint. */
export function fromBigInt(x: bigint, out: Float64Array, o: number): void {
  splitLimbs(x >= 0n && x < 1n << 256n ? x : ((x % P) + P) % P, raw, 0);
  montMul(raw, 0, montgomeryR2, 0, out, o);
}

/** The canonical value in [0, p) of a Montgomery-form element. */
export function toBigInt(a: Float64Array, o: number): bigint {
  montMul(a, o, ONE, 0, raw, 0);
  // Limbs 0-9 are in [0, 2^24) after montMul; limb 10 carries the sign.
  for (let limb = 0, byte = 0; limb < 8; limb += 4, byte += 12) {
    const l0 = raw[limb]!, l1 = raw[limb + 1]!, l2 = raw[limb + 2]!, l3 = raw[limb + 3]!;
    words.setUint32(byte, l0 | ((l1 & 0xff) << 24), true);
    words.setUint32(byte + 4, (l1 >>> 8) | ((l2 & 0xffff) << 16), true);
    words.setUint32(byte + 8, (l2 >>> 16) | (l3 << 8), true);
  }
  const low = words.getBigUint64(0, true) | (words.getBigUint64(8, true) << 64n) | (words.getBigUint64(16, true) << 128n);
  let value = low + (BigInt(raw[8]!) << 192n) + (BigInt(raw[9]!) << 216n) + (BigInt(raw[10]!) << 240n);
  if (value < 0n) value += P;
  else if (value >= P) value -= P;
  return value;
}

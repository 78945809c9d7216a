// Checks on Stark keys given by people (env files, CLI flags, API input): clear errors
// instead of a curve exception deep inside a signature.
import { ec, num } from "starknet";

/** Stark curve order: private keys live in [1, n-1]. */
const CURVE_ORDER = ec.starkCurve.CURVE.n;
const FIELD_PRIME = 2n ** 251n + 17n * 2n ** 192n + 1n;

/**
 * What is wrong with a string that should be 0x + 1 to 64 hex digits. Says what is wrong
 * and never repeats the input: the same parser reads private keys, and an error message
 * ends up in logs and terminals (a malformed key is usually a real key with a typo).
 */
function hexProblem(trimmed: string): string | undefined {
  if (trimmed === "") return "is empty";
  if (!/^0x/i.test(trimmed)) return "must start with 0x";
  if (trimmed[1] === "X") return "must start with 0x (lower-case x)";
  const digits = trimmed.slice(2);
  if (digits === "") return "has no hex digits after 0x";
  if (!/^[0-9a-fA-F]*$/.test(digits)) return "contains characters that are not hex digits (0-9, a-f)";
  if (digits.length > 64) return `has ${digits.length} hex digits, more than the 64 allowed`;
  return undefined;
}

function parseHex(value: string, what: string): bigint {
  const trimmed = value.trim();
  const problem = hexProblem(trimmed);
  if (problem !== undefined) throw new TypeError(`${what} must be a 0x-prefixed hex number: it ${problem}`);
  return BigInt(trimmed);
}

/** Validates a Stark private key and returns it as normalised hex. */
export function parsePrivateKey(value: string, what = "private key"): string {
  const key = parseHex(value, what);
  if (key === 0n || key >= CURVE_ORDER) throw new RangeError(`${what} is out of range: it must be between 1 and the Stark curve order - 1`);
  return num.toHex(key);
}

/** Validates a Stark public key (the x coordinate of a curve point) and returns it as hex. */
export function parsePublicKey(value: string, what = "public key"): string {
  const key = parseHex(value, what);
  if (key === 0n || key >= FIELD_PRIME) throw new RangeError(`${what} is out of range for a felt`);
  try {
    // A valid key is the x coordinate of a point: decompressing it must succeed.
    ec.starkCurve.ProjectivePoint.fromHex(`02${key.toString(16).padStart(64, "0")}`);
  } catch {
    throw new RangeError(`${what} is not the x coordinate of a point on the Stark curve`);
  }
  return num.toHex(key);
}

/** Validates a Starknet address (a felt below 2^251) and returns it as 0x + 64 hex digits. */
export function parseAddress(value: string, what = "address"): string {
  const address = parseHex(value, what);
  if (address === 0n || address >= 2n ** 251n) throw new RangeError(`${what} is out of range for a Starknet address`);
  return num.toHex64(address);
}

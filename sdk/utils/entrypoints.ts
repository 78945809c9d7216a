// Entrypoint names or selectors, as dApps write them, to the selectors the contract stores.
import { hash, num } from "starknet";
import { SessionError } from "../errors.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A selector from an entrypoint name (`transfer`) or a selector given as hex. */
export function toSelector(entrypoint: string): string {
  if (typeof entrypoint !== "string" || entrypoint.length === 0) throw new SessionError("INVALID_INPUT", "an entrypoint must be a non-empty name or a 0x selector");
  if (entrypoint.startsWith("0x")) {
    if (!/^0x[0-9a-fA-F]{1,64}$/.test(entrypoint) || BigInt(entrypoint) >= 2n ** 251n) throw new SessionError("INVALID_INPUT", `${entrypoint} is not a valid selector`);
    return num.toHex(entrypoint);
  }
  if (!NAME.test(entrypoint)) throw new SessionError("INVALID_INPUT", `${JSON.stringify(entrypoint)} is not a Cairo entrypoint name`);
  return hash.getSelectorFromName(entrypoint);
}

// Calls as dApps write them, normalised once into exactly what is dry-run, hashed and
// signed: the same object goes to the account's `session_status` and to starknet.js.
import { type Call, CallData, hash, num } from "starknet";
import { SessionError } from "../errors.ts";
import { parseAddress } from "./keys.ts";

/** A call in the one form the SDK checks and signs. Also a valid starknet.js `Call`. */
export interface NormalizedCall {
  /** 0x + 64 hex digits. */
  contractAddress: string;
  /** The entrypoint name starknet.js hashes into the selector. */
  entrypoint: string;
  /** `getSelectorFromName(entrypoint)`: what the account sees and checks. */
  selector: string;
  /** Compiled calldata, hex felts. */
  calldata: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Validates and normalises calls before anything is checked or signed. Entrypoints must
 * be names: starknet.js always hashes `entrypoint` as a name (`"0x…"` would be signed as
 * `starknetKeccak("0x…")`, not as that selector), so a selector here would be dry-run as
 * one call and signed as another.
 */
export function normalizeCalls(calls: readonly Call[]): NormalizedCall[] {
  if (!Array.isArray(calls) || calls.length === 0) throw new SessionError("INVALID_INPUT", "calls must be a non-empty array");
  return calls.map((call, index) => {
    if (!call || typeof call.contractAddress !== "string" || typeof call.entrypoint !== "string") {
      throw new SessionError("INVALID_INPUT", `call ${index} needs a contractAddress and an entrypoint`);
    }
    if (!NAME.test(call.entrypoint)) {
      throw new SessionError(
        "INVALID_INPUT",
        `call ${index}: entrypoint ${JSON.stringify(call.entrypoint)} is not an entrypoint name; calls take names (starknet.js hashes them), whitelists also take selectors`,
      );
    }
    let contractAddress: string;
    let calldata: string[];
    try {
      contractAddress = parseAddress(call.contractAddress, `call ${index} contractAddress`);
      calldata = CallData.toCalldata(call.calldata ?? []).map((felt) => num.toHex(felt));
    } catch (error) {
      throw new SessionError("INVALID_INPUT", `call ${index}: ${(error as Error).message}`, { cause: error });
    }
    return { contractAddress, entrypoint: call.entrypoint, selector: hash.getSelectorFromName(call.entrypoint), calldata };
  });
}

/** Calls as the contract's `Array<Call>` argument of views such as `session_status`. */
export function toContractCalls(calls: readonly NormalizedCall[]): { to: string; selector: string; calldata: string[] }[] {
  return calls.map((call) => ({ to: call.contractAddress, selector: call.selector, calldata: call.calldata }));
}

/** True when two call lists are the same calls, felt for felt. */
export function sameContractCalls(a: readonly { to: string; selector: string; calldata: readonly string[] }[], b: readonly { to: string; selector: string; calldata: readonly string[] }[]): boolean {
  const felt = (value: string) => BigInt(value);
  return (
    a.length === b.length &&
    a.every((call, i) => {
      const other = b[i];
      return (
        other !== undefined &&
        felt(call.to) === felt(other.to) &&
        felt(call.selector) === felt(other.selector) &&
        call.calldata.length === other.calldata.length &&
        call.calldata.every((value, j) => felt(value) === felt(other.calldata[j] ?? "-1"))
      );
    })
  );
}

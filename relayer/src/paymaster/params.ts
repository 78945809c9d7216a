// Reading SNIP-29 request parameters: everything a client sends is checked for shape
// here, before any other work, and refused with INVALID_PARAMS naming the field.
import { constants, hash, num } from "starknet";
import { invalidParams, paymasterError } from "../rpc/errors.ts";

export const MAX_CALLS = 32;
export const MAX_CALLDATA = 2_048;
export const MAX_SIGNATURE = 2_048;

export interface ContractCall {
  to: string;
  selector: string;
  calldata: string[];
}

export function object(value: unknown, field: string): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw invalidParams(`${field} must be an object`);
  return value as Record<string, unknown>;
}

/** A felt as SNIP-29 writes it: 0x-prefixed hex, no leading zeros required. */
export function felt(value: unknown, field: string): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(value) || BigInt(value) >= constants.PRIME) throw invalidParams(`${field} must be a felt in hex (0x…)`);
  return num.toHex(value);
}

export function address(value: unknown, field: string): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(value) || BigInt(value) === 0n || BigInt(value) >= 2n ** 251n) {
    throw paymasterError("INVALID_ADDRESS", `${field} is not a contract address`);
  }
  return num.toHex64(value);
}

export function felts(value: unknown, field: string, max: number): string[] {
  if (!Array.isArray(value) || value.length > max) throw invalidParams(`${field} must be an array of at most ${max} felts`);
  return value.map((item, index) => felt(item, `${field}[${index}]`));
}

/** SNIP-29's `{ to, selector, calldata }`; an `entrypoint` name may stand for the selector. */
export function calls(value: unknown, field: string): ContractCall[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CALLS) throw invalidParams(`${field} must hold 1 to ${MAX_CALLS} calls`);
  return value.map((item, index) => {
    const call = object(item, `${field}[${index}]`);
    const where = `${field}[${index}]`;
    let selector: string;
    if (call.selector === undefined && typeof call.entrypoint === "string") {
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(call.entrypoint)) throw invalidParams(`${where}.entrypoint is not a function name`);
      selector = hash.getSelectorFromName(call.entrypoint);
    } else {
      selector = felt(call.selector, `${where}.selector`);
    }
    return { to: address(call.to, `${where}.to`), selector, calldata: felts(call.calldata ?? [], `${where}.calldata`, MAX_CALLDATA) };
  });
}

export type FeeMode = { mode: "sponsored" } | { mode: "default"; gasToken: string };

export function feeMode(value: unknown): FeeMode {
  const mode = object(value, "parameters.fee_mode");
  if (mode.mode === "sponsored") return { mode: "sponsored" };
  if (mode.mode === "default") return { mode: "default", gasToken: address(mode.gas_token, "parameters.fee_mode.gas_token") };
  throw invalidParams('parameters.fee_mode.mode must be "sponsored" or "default"');
}

export interface TimeBounds {
  executeAfter: number;
  executeBefore: number;
}

export function timeBounds(value: unknown): TimeBounds | undefined {
  if (value === undefined || value === null) return undefined;
  const bounds = object(value, "parameters.time_bounds");
  const read = (field: string): number => {
    const raw = bounds[field];
    const parsed = typeof raw === "string" && /^(0x[0-9a-fA-F]+|\d+)$/.test(raw) ? Number(BigInt(raw)) : raw;
    if (typeof parsed !== "number" || !Number.isSafeInteger(parsed) || parsed < 0) throw paymasterError("INVALID_TIME_BOUNDS", `time_bounds.${field} must be unix seconds`);
    return parsed;
  };
  return { executeAfter: read("execute_after"), executeBefore: read("execute_before") };
}

export interface ExecutionParameters {
  feeMode: FeeMode;
  timeBounds: TimeBounds | undefined;
}

export function executionParameters(value: unknown): ExecutionParameters {
  const parameters = object(value, "parameters");
  if (parameters.version !== "0x1") throw invalidParams('parameters.version must be "0x1"');
  return { feeMode: feeMode(parameters.fee_mode), timeBounds: timeBounds(parameters.time_bounds) };
}

/** SNIP-29 sends named parameters `{ transaction, parameters }`. */
export function namedParams(value: unknown): { transaction: Record<string, unknown>; parameters: ExecutionParameters } {
  const params = object(value, "params");
  const transaction = object(params.transaction, "transaction");
  if (transaction.type !== "invoke") {
    throw paymasterError("INVALID_DEPLOYMENT_DATA", 'this paymaster relays "invoke" transactions of deployed accounts only');
  }
  return { transaction, parameters: executionParameters(params.parameters) };
}

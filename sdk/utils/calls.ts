import { type Call, CallData } from "starknet";
import { SessionError } from "../errors.ts";
import { toSelector } from "./entrypoints.ts";

/** Rejects an empty or malformed call list before anything is signed or sent. */
export function checkCalls(calls: Call[]): void {
  if (!Array.isArray(calls) || calls.length === 0) throw new SessionError("INVALID_INPUT", "calls must be a non-empty array");
  for (const call of calls) {
    if (!call || typeof call.contractAddress !== "string" || typeof call.entrypoint !== "string") {
      throw new SessionError("INVALID_INPUT", "every call needs a contractAddress and an entrypoint");
    }
    toSelector(call.entrypoint);
  }
}

/** Calls as the contract's `Array<Call>` argument of views such as `session_status`. */
export function toContractCalls(calls: Call[]): { to: string; selector: string; calldata: string[] }[] {
  return calls.map((call) => ({
    to: call.contractAddress,
    selector: toSelector(call.entrypoint),
    calldata: CallData.toCalldata(call.calldata ?? []),
  }));
}

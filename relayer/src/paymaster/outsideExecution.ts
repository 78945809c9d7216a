// The SNIP-9 V2 outside execution this relayer asks a user to sign, and the
// execute_from_outside_v2 call that submits it with the user's signature (passed through
// exactly as the user's signer produced it: an owner's [r, s] or any session layout).
import { isDeepStrictEqual } from "node:util";
import { type Call, hash, num, OutsideExecutionTypesV2, OutsideExecutionVersion, outsideExecution, shortString, type TypedData, typedData, uint256 } from "starknet";
import { type ContractCall, MAX_CALLS } from "./params.ts";

/** SNIP-9's "anyone may submit": the relayer's pool accounts all can. */
export const ANY_CALLER = shortString.encodeShortString("ANY_CALLER");
const TRANSFER = hash.getSelectorFromName("transfer");

export interface StoredOutsideExecution {
  caller: string;
  nonce: string;
  execute_after: number;
  execute_before: number;
  calls: ContractCall[];
}

/** The default fee mode's one appended call: the fee, in the gas token, to the relayer. */
export function feeTransfer(token: string, recipient: string, amount: bigint): ContractCall {
  const { low, high } = uint256.bnToUint256(amount);
  return { to: token, selector: TRANSFER, calldata: [recipient, num.toHex(low), num.toHex(high)] };
}

export function typedDataOf(chainId: string, execution: StoredOutsideExecution): TypedData {
  // starknet.js builds the domain and types; calls are set as raw selectors (its own
  // builder takes entrypoint names, and a paymaster receives selectors).
  const data = outsideExecution.getTypedData(chainId, { caller: execution.caller, execute_after: execution.execute_after, execute_before: execution.execute_before }, execution.nonce, [], OutsideExecutionVersion.V2);
  (data.message as Record<string, unknown>).Calls = execution.calls.map((call) => ({ To: call.to, Selector: call.selector, Calldata: call.calldata }));
  return data;
}

export function messageHashOf(data: TypedData, userAddress: string): string {
  return typedData.getMessageHash(data, userAddress);
}

function sameFelt(value: unknown, expected: string | number): boolean {
  try {
    return (typeof value === "string" || typeof value === "number") && BigInt(value) === BigInt(expected);
  } catch {
    return false;
  }
}

/**
 * True when `data` has the shape of the outside executions this relayer builds (SNIP-9
 * V2's types and domain on this chain, at most one call more than a request may hold).
 * Checked before hashing: hashing a client's own types costs time quadratic in their size,
 * and one crafted body could stall the process for seconds.
 */
export function isOutsideExecutionShape(data: unknown, chainId: string): data is TypedData {
  if (!data || typeof data !== "object") return false;
  const { types, primaryType, domain, message } = data as { types?: unknown; primaryType?: unknown; domain?: Record<string, unknown>; message?: { Calls?: unknown } };
  if (primaryType !== "OutsideExecution" || !isDeepStrictEqual(types, OutsideExecutionTypesV2) || !domain || typeof domain !== "object") return false;
  if (domain.name !== "Account.execute_from_outside" || !sameFelt(domain.version, 2) || !sameFelt(domain.revision, 1) || !sameFelt(domain.chainId, chainId)) return false;
  return Array.isArray(message?.Calls) && message.Calls.length <= MAX_CALLS + 1;
}

export function relayedCall(userAddress: string, execution: StoredOutsideExecution, signature: string[]): Call {
  const [call] = outsideExecution.buildExecuteFromOutsideCall({
    // Field by field, in the Cairo struct's order: CallData.compile follows key order, and
    // a stored execution (jsonb) comes back with its keys reordered.
    outsideExecution: {
      caller: execution.caller,
      nonce: execution.nonce,
      execute_after: execution.execute_after,
      execute_before: execution.execute_before,
      calls: execution.calls.map((call) => ({ to: call.to, selector: call.selector, calldata: call.calldata })),
    },
    signature,
    signerAddress: userAddress,
    version: OutsideExecutionVersion.V2,
  });
  return call as Call;
}

// Fee estimates of invoke transactions from any sender, with the sender's validation
// skipped: the relayer estimates a user's calls as if the user sent them (at build, before
// any signature exists) and its own relayed transaction before signing it.
import { type Call, CallData, hash, num, type ResourceBoundsBN, type RpcProvider, stark, TransactionType } from "starknet";
import type { ContractCall } from "../paymaster/params.ts";
import { isNonceRejection } from "./relayerPool.ts";

export interface Estimate {
  /** What the node expects the transaction to cost, in FRI. */
  overallFeeFri: bigint;
  /** Bounds with starknet.js's default overhead: what a transaction signed with them may cost at most. */
  resourceBounds: ResourceBoundsBN;
  maxFeeFri: bigint;
}

export function maxFeeOf(bounds: ResourceBoundsBN): bigint {
  return Object.values(bounds).reduce((sum, { max_amount, max_price_per_unit }) => sum + BigInt(max_amount) * BigInt(max_price_per_unit), 0n);
}

/** A call given by entrypoint name, as selector and compiled calldata. */
export function toContractCall(call: Call): ContractCall {
  return { to: num.toHex64(call.contractAddress), selector: hash.getSelectorFromName(call.entrypoint), calldata: CallData.toHex(call.calldata ?? []) };
}

/** `__execute__`'s calldata for Cairo 1 accounts: the calls' count, then each call. */
function executeCalldata(calls: ContractCall[]): string[] {
  return [num.toHex(calls.length), ...calls.flatMap((call) => [call.to, call.selector, num.toHex(call.calldata.length), ...call.calldata])];
}

/** Estimates tried when the sender's nonce moved between reading it and estimating. */
const STALE_NONCE_ATTEMPTS = 8;


function invokeOf(sender: string, calls: ContractCall[], nonce: string) {
  return { type: TransactionType.INVOKE, contractAddress: sender, calldata: executeCalldata(calls), signature: [], nonce, version: "0x3" as const, ...stark.v3Details({}) };
}

/** Runs `attempt` with the sender's nonce, again while the nonce moves under it. */
async function withSenderNonce<T>(provider: RpcProvider, sender: string, attempt: (nonce: string) => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    const nonce = await provider.getNonceForAddress(sender, "pre_confirmed");
    try {
      return await attempt(nonce);
    } catch (error) {
      if (!isNonceRejection(error) || tries >= STALE_NONCE_ATTEMPTS) throw error;
    }
  }
}

/** Throws the node's error when the calls would revert. */
export async function estimateInvoke(provider: RpcProvider, sender: string, calls: ContractCall[]): Promise<Estimate> {
  return withSenderNonce(provider, sender, async (nonce) => {
    const [estimate] = await provider.getEstimateFeeBulk([invokeOf(sender, calls, nonce)], { blockIdentifier: "pre_confirmed", skipValidate: true });
    if (!estimate) throw new Error("the node returned no estimate");
    return { overallFeeFri: BigInt(estimate.overall_fee), resourceBounds: estimate.resourceBounds, maxFeeFri: maxFeeOf(estimate.resourceBounds) };
  });
}

export interface TokenTransfer {
  token: string;
  from: string;
  to: string;
  amount: bigint;
}

interface Invocation {
  contract_address?: string;
  events?: { keys: string[]; data: string[] }[];
  calls?: Invocation[];
  revert_reason?: string;
}

const TRANSFER_EVENT = hash.getSelectorFromName("Transfer");

/** ERC-20 Transfer events of a simulated execution: Cairo 1 (from, to as keys) or Cairo 0 layout. */
function transfersOf(invocation: Invocation | undefined, found: TokenTransfer[] = []): TokenTransfer[] {
  if (!invocation) return found;
  for (const event of invocation.events ?? []) {
    if (!invocation.contract_address || BigInt(event.keys[0] ?? 0) !== BigInt(TRANSFER_EVENT)) continue;
    const [from, to, low, high] = event.keys.length === 3 ? [event.keys[1], event.keys[2], event.data[0], event.data[1]] : [event.data[0], event.data[1], event.data[2], event.data[3]];
    if (from === undefined || to === undefined || low === undefined) continue;
    found.push({ token: num.toHex64(invocation.contract_address), from: num.toHex64(from), to: num.toHex64(to), amount: BigInt(low) + (BigInt(high ?? 0) << 128n) });
  }
  for (const call of invocation.calls ?? []) transfersOf(call, found);
  return found;
}

export type Simulation = Estimate & { transfers: TokenTransfer[] };

/** The node refused a simulation for the sender's nonce (see isNonceRejection). */
export class StaleNonceError extends Error {}

/**
 * Simulates the calls from `sender` at `nonce` (validation skipped): its fee, and the
 * token transfers its execution makes. Throws the revert's text when the execution would
 * revert, and StaleNonceError when `nonce` is not the sender's.
 */
export async function simulateInvoke(provider: RpcProvider, sender: string, calls: ContractCall[], nonce: bigint): Promise<Simulation> {
  let response;
  try {
    response = await provider.getSimulateTransaction([invokeOf(sender, calls, num.toHex(nonce))], { blockIdentifier: "pre_confirmed", skipValidate: true });
  } catch (error) {
    if (isNonceRejection(error)) throw new StaleNonceError(`nonce ${nonce} is not the next of ${sender}`);
    throw error;
  }
  const [simulated] = response.simulated_transactions;
  if (!simulated) throw new Error("the node returned no simulation");
  const execution = (simulated.transaction_trace as { execute_invocation?: Invocation }).execute_invocation;
  if (execution?.revert_reason !== undefined) throw new Error(execution.revert_reason);
  return {
    overallFeeFri: BigInt(simulated.overall_fee),
    resourceBounds: simulated.resourceBounds,
    maxFeeFri: maxFeeOf(simulated.resourceBounds),
    transfers: transfersOf(execution),
  };
}

/**
 * The text of a node error for failure attribution and for the client: the node's own
 * code, message and data (an RpcError's message also repeats the whole request).
 */
export function errorText(error: unknown): string {
  const { message, baseError } = (error ?? {}) as { message?: string; baseError?: { code?: number; message?: string; data?: unknown } };
  if (baseError && typeof baseError.code === "number") {
    const data = baseError.data === undefined ? "" : `: ${typeof baseError.data === "string" ? baseError.data : JSON.stringify(baseError.data)}`;
    return `${baseError.code}: ${baseError.message ?? ""}${data}`;
  }
  return message ?? String(error);
}

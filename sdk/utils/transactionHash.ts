// The v3 invoke transaction hash, exactly starknet.js's `hash.calculateInvokeTransactionHash`
// (src/utils/hash/transactionHash/v3.ts), on the fast Poseidon of crypto/poseidon.ts:
//
//   poseidon(INVOKE, version, sender, poseidon(tip, L1_GAS, L2_GAS, L1_DATA bounds),
//            poseidon(paymasterData), chainId, nonce, nonceDA << 32 | feeDA,
//            poseidon(accountDeploymentData), poseidon(calldata) [, poseidon(proofFacts)])
//
// A hasher made by `createInvokeTransactionHasher` also remembers the sponge state after
// the first six elements, which change only with the version, sender, chain, tip, bounds
// and paymaster data: a session signing transaction after transaction with the same
// bounds pays for the calldata, nonce and tail (7 permutations for one short call), not
// for the fee field again (6 more). Intermediate hashes stay field elements (no BigInt).
import { type BigNumberish, constants, type ResourceBoundsBN, shortString } from "starknet";
import { absorbPair, type Felt, feltToBigInt, hashElements, newState, type PoseidonState } from "../crypto/poseidon.ts";

export interface InvokeTransactionHashParameters {
  senderAddress: BigNumberish;
  /** `0x3`, or `0x100000000000000000000000000000003` for fee estimation. */
  version: BigNumberish;
  compiledCalldata: readonly BigNumberish[];
  chainId: BigNumberish;
  nonce: BigNumberish;
  accountDeploymentData: readonly BigNumberish[];
  /** 0 (L1) or 1 (L2), as `stark.intDAM` returns. */
  nonceDataAvailabilityMode: number;
  feeDataAvailabilityMode: number;
  resourceBounds: ResourceBoundsBN;
  tip: BigNumberish;
  paymasterData: readonly BigNumberish[];
  proofFacts?: readonly BigNumberish[];
}

/** Computes invoke transaction hashes (0x-hex, like starknet.js), remembering the last fee field. */
export type InvokeTransactionHasher = (parameters: InvokeTransactionHashParameters) => string;

const INVOKE = BigInt(constants.TransactionHashPrefix.INVOKE);
const L1_GAS = BigInt(shortString.encodeShortString("L1_GAS"));
const L2_GAS = BigInt(shortString.encodeShortString("L2_GAS"));
const L1_DATA = BigInt(shortString.encodeShortString("L1_DATA"));

let emptyHash: Felt | undefined;

/** poseidon of a list of felts; the empty list (paymaster and deployment data, usually) once. */
function hashList(values: readonly BigNumberish[]): Felt {
  if (values.length === 0) return (emptyHash ??= hashElements([]));
  return hashElements(values.map((value) => BigInt(value)));
}

/** The resource bound word: name << 192 | max_amount << 128 | max_price_per_unit (same overlap as starknet.js if out of range). */
function boundWord(name: bigint, bound: ResourceBoundsBN["l1_gas"]): bigint {
  return (name << 192n) + (bound.max_amount << 128n) + bound.max_price_per_unit;
}

/** Everything the first six hashed elements depend on, as bigints, to recognise a repeat. */
function headKey(parameters: InvokeTransactionHashParameters): bigint[] {
  const { resourceBounds: bounds } = parameters;
  return [
    BigInt(parameters.version),
    BigInt(parameters.senderAddress),
    BigInt(parameters.chainId),
    BigInt(parameters.tip),
    bounds.l1_gas.max_amount,
    bounds.l1_gas.max_price_per_unit,
    bounds.l2_gas.max_amount,
    bounds.l2_gas.max_price_per_unit,
    bounds.l1_data_gas.max_amount,
    bounds.l1_data_gas.max_price_per_unit,
    ...parameters.paymasterData.map((value) => BigInt(value)),
  ];
}

/** Sponge state after [INVOKE, version, sender, fee field hash, paymaster data hash, chain id]. */
function absorbHead(parameters: InvokeTransactionHashParameters): PoseidonState {
  const { resourceBounds: bounds } = parameters;
  const feeField = hashElements([BigInt(parameters.tip), boundWord(L1_GAS, bounds.l1_gas), boundWord(L2_GAS, bounds.l2_gas), boundWord(L1_DATA, bounds.l1_data_gas)]);
  const state = newState();
  absorbPair(state, INVOKE, BigInt(parameters.version));
  absorbPair(state, BigInt(parameters.senderAddress), feeField);
  absorbPair(state, hashList(parameters.paymasterData), BigInt(parameters.chainId));
  return state;
}

function hashWithHead(head: PoseidonState, parameters: InvokeTransactionHashParameters): string {
  const dataAvailabilityModes = (BigInt(parameters.nonceDataAvailabilityMode) << 32n) + BigInt(parameters.feeDataAvailabilityMode);
  const tail: (bigint | Felt)[] = [BigInt(parameters.nonce), dataAvailabilityModes, hashList(parameters.accountDeploymentData), hashList(parameters.compiledCalldata)];
  if (parameters.proofFacts?.length) tail.push(hashList(parameters.proofFacts));
  return `0x${feltToBigInt(hashElements(tail, head)).toString(16)}`;
}

/** The v3 invoke transaction hash, as `hash.calculateInvokeTransactionHash` returns it. */
export function invokeTransactionHash(parameters: InvokeTransactionHashParameters): string {
  return hashWithHead(absorbHead(parameters), parameters);
}

/** An `invokeTransactionHash` that reuses the fee-field part while version, sender, chain, tip, bounds and paymaster data repeat. */
export function createInvokeTransactionHasher(): InvokeTransactionHasher {
  let lastKey: bigint[] = [];
  let lastHead: PoseidonState | undefined;
  return (parameters) => {
    const key = headKey(parameters);
    if (lastHead === undefined || key.length !== lastKey.length || key.some((value, i) => value !== lastKey[i])) {
      lastHead = absorbHead(parameters);
      lastKey = key;
    }
    return hashWithHead(lastHead.slice(), parameters);
  };
}

// Attaches a method policy's proofs to what a SessionSigner signs.
import { type CallProofEncoder, type ContractCall, NO_METHOD_POLICY } from "../signers/sessionSigner.ts";
import { encodeCallProofs, type MethodPolicy } from "./methods.ts";

/**
 * The prover a policy session's `SessionSigner` takes: one proof per call from `policy`
 * (throws before anything is signed when a call is not in it). Without a method policy
 * (a session whose policy has no method root), `NO_METHOD_POLICY`.
 */
export function methodPolicyProver(policy: MethodPolicy | undefined): CallProofEncoder {
  if (policy === undefined) return NO_METHOD_POLICY;
  return {
    encodeCallProofs: (calls: readonly ContractCall[]) =>
      encodeCallProofs(calls.map((call) => policy.proofForCall({ contractAddress: call.to, selector: call.selector, calldata: [...call.calldata] }))),
  };
}

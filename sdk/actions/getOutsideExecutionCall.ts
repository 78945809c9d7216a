import { type Call, type OutsideExecution, OutsideExecutionVersion, outsideExecution } from "starknet";
import { SessionError } from "../errors.ts";
import { POLICY_SIGNATURE_MAGIC } from "../signers/sessionSigner.ts";
import { getOutsideExecutionTypedData, type GetOutsideExecutionTypedDataParameters } from "./getOutsideExecutionTypedData.ts";

export type GetOutsideExecutionCallParameters =
  /** Build and sign with a session key in one go. */
  | (GetOutsideExecutionTypedDataParameters & { session: NonNullable<GetOutsideExecutionTypedDataParameters["session"]> })
  /** Or wrap an execution built earlier and signed elsewhere. */
  | { accountAddress: string; outsideExecution: OutsideExecution; signature: string[] };

/** The `execute_from_outside_v2` call that any other account or relayer submits and pays for. */
export async function getOutsideExecutionCall(parameters: GetOutsideExecutionCallParameters): Promise<Call> {
  let execution: OutsideExecution;
  let signature: string[];
  if ("outsideExecution" in parameters) {
    ({ outsideExecution: execution, signature } = parameters);
  } else {
    const built = await getOutsideExecutionTypedData(parameters);
    execution = built.outsideExecution;
    signature = built.signature as string[];
  }
  const policyFormat = signature.length > 4 && BigInt(signature[0] ?? 0) === BigInt(POLICY_SIGNATURE_MAGIC);
  if (signature.length !== 4 && signature.length !== 2 && !policyFormat) {
    throw new SessionError("INVALID_INPUT", "signature must be [r, s], [session_pubkey, r, s, valid_until] or a policy session's [POLICY_SIGNATURE_MAGIC, ...]");
  }
  const [call] = outsideExecution.buildExecuteFromOutsideCall({ outsideExecution: execution, signature, signerAddress: parameters.accountAddress, version: OutsideExecutionVersion.V2 });
  return call as Call;
}

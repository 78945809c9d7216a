import { type Call, type OutsideExecution, OutsideExecutionVersion, outsideExecution } from "starknet";
import { SessionError } from "../errors.ts";
import { POLICY_SIGNATURE_MAGIC, SESSION_AUTHORIZATION_MAGIC } from "../signers/signatureLayout.ts";
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
  const tagged = signature.length > 4 && [POLICY_SIGNATURE_MAGIC, SESSION_AUTHORIZATION_MAGIC].some((magic) => BigInt(signature[0] ?? 0) === BigInt(magic));
  if (signature.length !== 4 && signature.length !== 2 && !tagged) {
    throw new SessionError("INVALID_INPUT", "signature must be [r, s], [session_pubkey, r, s, valid_until], a policy session's [POLICY_SIGNATURE_MAGIC, ...] or an authorized session's first use [SESSION_AUTHORIZATION_MAGIC, ...]");
  }
  const [call] = outsideExecution.buildExecuteFromOutsideCall({ outsideExecution: execution, signature, signerAddress: parameters.accountAddress, version: OutsideExecutionVersion.V2 });
  return call as Call;
}

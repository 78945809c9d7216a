import { type Call, CallData, type ProviderInterface } from "starknet";
import { decodeReason, type ReasonCode } from "../reasons.ts";
import { type NormalizedCall, normalizeCalls, toContractCalls } from "../utils/calls.ts";

export interface GetSessionStatusParameters {
  provider: ProviderInterface;
  accountAddress: string;
  sessionPublicKey: string;
  calls: readonly Call[] | readonly NormalizedCall[];
}

/**
 * The account's dry run of its session checks for these calls at the current block time:
 * "OK" or the reason code a session transaction would be refused with.
 */
export async function getSessionStatus({ provider, accountAddress, sessionPublicKey, calls }: GetSessionStatusParameters): Promise<ReasonCode> {
  const normalized = normalizeCalls(calls as Call[]);
  const [reason] = await provider.callContract(
    { contractAddress: accountAddress, entrypoint: "session_status", calldata: CallData.compile({ session_key: sessionPublicKey, calls: toContractCalls(normalized) }) },
    "pre_confirmed",
  );
  return decodeReason(reason ?? "0x0");
}

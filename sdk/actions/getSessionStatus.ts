import { type Call, CallData, type ProviderInterface } from "starknet";
import { decodeReason, type ReasonCode } from "../reasons.ts";
import { checkCalls, toContractCalls } from "../utils/calls.ts";

export interface GetSessionStatusParameters {
  provider: ProviderInterface;
  accountAddress: string;
  sessionPublicKey: string;
  calls: Call[];
}

/**
 * The account's dry run of its session checks for these calls at the current block time:
 * "OK" or the reason code a session transaction would be refused with.
 */
export async function getSessionStatus({ provider, accountAddress, sessionPublicKey, calls }: GetSessionStatusParameters): Promise<ReasonCode> {
  checkCalls(calls);
  const [reason] = await provider.callContract(
    { contractAddress: accountAddress, entrypoint: "session_status", calldata: CallData.compile({ session_key: sessionPublicKey, calls: toContractCalls(calls) }) },
    "pre_confirmed",
  );
  return decodeReason(reason ?? "0x0");
}

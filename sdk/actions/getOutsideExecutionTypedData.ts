import { type Call, num, OutsideExecutionVersion, outsideExecution, type OutsideExecution, type ProviderInterface, shortString, stark, type TypedData, typedData } from "starknet";
import { SessionError } from "../errors.ts";
import { SessionSigner } from "../signers/sessionSigner.ts";
import { checkCalls } from "../utils/calls.ts";
import { resolveSessionKey, type SessionKeyInput } from "../utils/sessionKey.ts";
import { preflightSession } from "./preflightSession.ts";

export interface GetOutsideExecutionTypedDataParameters {
  provider: ProviderInterface;
  accountAddress: string;
  calls: Call[];
  /** Signs with this session key; omit it to get unsigned typed data to sign elsewhere. */
  session?: SessionKeyInput;
  /** Who may submit it: an address or "ANY_CALLER" (default). */
  caller?: string;
  /** Unix seconds; defaults to now - 5 min and now + 20 min (by the chain's clock). */
  executeAfter?: number;
  executeBefore?: number;
  /** Defaults to a random felt from a crypto RNG, checked unused on chain. */
  nonce?: string;
}

export interface GetOutsideExecutionTypedDataReturnType {
  typedData: TypedData;
  /** SNIP-12 message hash: what the signature signs. */
  messageHash: string;
  outsideExecution: OutsideExecution;
  /** `[session_pubkey, r, s, valid_until]`, present when `session` was given. */
  signature?: string[];
}

/** Builds (and, with a session key, signs) a SNIP-9 V2 outside execution locally. */
export async function getOutsideExecutionTypedData(parameters: GetOutsideExecutionTypedDataParameters): Promise<GetOutsideExecutionTypedDataReturnType> {
  const { provider, accountAddress, calls, caller = "ANY_CALLER" } = parameters;
  checkCalls(calls);
  const now = (await provider.getBlockWithTxHashes("latest")).timestamp;
  const executeAfter = parameters.executeAfter ?? now - 300;
  const executeBefore = parameters.executeBefore ?? now + 1_200;
  if (!(executeAfter < executeBefore)) throw new SessionError("INVALID_INPUT", "executeAfter must be before executeBefore");
  const nonce = parameters.nonce ?? stark.randomAddress();
  const nonceFree = await provider.callContract({ contractAddress: accountAddress, entrypoint: "is_valid_outside_execution_nonce", calldata: [nonce] });
  if (BigInt(nonceFree[0] ?? 0) !== 1n) throw new SessionError("OUTSIDE_EXECUTION_NONCE_USED", `nonce ${nonce} was already used on ${accountAddress}`, { reason: "NONCE_USED" });

  const chainId = await provider.getChainId();
  const callerFelt = caller === "ANY_CALLER" ? shortString.encodeShortString("ANY_CALLER") : num.toHex(caller);
  const data = outsideExecution.getTypedData(chainId, { caller: callerFelt, execute_after: executeAfter, execute_before: executeBefore }, nonce, calls, OutsideExecutionVersion.V2);
  const result: GetOutsideExecutionTypedDataReturnType = {
    typedData: data,
    messageHash: typedData.getMessageHash(data, accountAddress),
    outsideExecution: {
      caller: callerFelt,
      nonce,
      execute_after: executeAfter,
      execute_before: executeBefore,
      calls: calls.map(outsideExecution.getOutsideCall),
    },
  };
  if (parameters.session) {
    const key = await resolveSessionKey(parameters.session);
    await preflightSession(provider, accountAddress, key, calls);
    const signature = await new SessionSigner({ privateKey: key.privateKey, validUntil: key.validUntil }).signMessage(data, accountAddress);
    result.signature = stark.signatureToHexArray(signature);
  }
  return result;
}

import { type Call, num, OutsideExecutionVersion, outsideExecution, type OutsideExecution, type ProviderInterface, shortString, stark, type TypedData, typedData } from "starknet";
import { SessionError } from "../errors.ts";
import { SessionSigner, sessionMessageHash } from "../signers/sessionSigner.ts";
import { normalizeCalls, sameContractCalls, toContractCalls } from "../utils/calls.ts";
import { parseAddress } from "../utils/keys.ts";
import { nextOutsideExecutionNonce, skipNonceWord } from "../utils/outsideNonces.ts";
import { resolveSessionKey, type SessionKeyInput } from "../utils/sessionKey.ts";
import { preflightSession } from "./preflightSession.ts";

export interface GetOutsideExecutionTypedDataParameters {
  provider: ProviderInterface;
  accountAddress: string;
  calls: Call[];
  /** Signs with this session key; omit it to get unsigned typed data to sign elsewhere (as the owner). */
  session?: SessionKeyInput;
  /**
   * Who may submit it: a relayer's address, or "ANY_CALLER" (default). Never 0: the
   * account refuses 0, which SNIP-9 V2 does not define as "any caller".
   */
  caller?: string;
  /** Unix seconds; defaults to now - 5 min and now + 20 min (by the chain's clock). */
  executeAfter?: number;
  executeBefore?: number;
  /**
   * Defaults to the signer's next nonce: consecutive from a random start (crypto RNG), so
   * that 128 executions share one storage cell on the account; checked unused on chain (in
   * the signer's own nonce space).
   */
  nonce?: string;
}

export interface GetOutsideExecutionTypedDataReturnType {
  typedData: TypedData;
  /** SNIP-12 message hash of the typed data: what an owner signs. */
  messageHash: string;
  /** What the session key signed, `poseidon(messageHash, generation)`, when `session` was given. */
  sessionMessageHash?: string;
  outsideExecution: OutsideExecution;
  /**
   * The session's signature, present when `session` was given: `[session_pubkey, r, s,
   * valid_until]`, the policy format for a policy session, behind the owner's authorization
   * on an authorized session's first use (`sessionSignatureLayout`).
   */
  signature?: string[];
}

const ANY_CALLER = shortString.encodeShortString("ANY_CALLER");

function resolveCaller(caller: string): string {
  if (caller === "ANY_CALLER") return ANY_CALLER;
  try {
    return parseAddress(caller, "caller");
  } catch (error) {
    throw new SessionError("INVALID_INPUT", `caller must be "ANY_CALLER" or the address of the account that will submit the execution (never 0): ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Builds (and, with a session key, signs) a SNIP-9 V2 outside execution locally. Before
 * signing it checks that the typed data starknet.js built carries exactly the calls asked
 * for, and that the nonce is unused in the signer's nonce space (the owner's, or the
 * session's own).
 */
export async function getOutsideExecutionTypedData(parameters: GetOutsideExecutionTypedDataParameters): Promise<GetOutsideExecutionTypedDataReturnType> {
  const { provider, accountAddress } = parameters;
  const calls = normalizeCalls(parameters.calls);
  const callerFelt = resolveCaller(parameters.caller ?? "ANY_CALLER");
  const now = (await provider.getBlockWithTxHashes("latest")).timestamp;
  const executeAfter = parameters.executeAfter ?? now - 300;
  const executeBefore = parameters.executeBefore ?? now + 1_200;
  if (!(Number.isInteger(executeAfter) && Number.isInteger(executeBefore) && executeAfter >= 0 && executeAfter < executeBefore)) {
    throw new SessionError("INVALID_INPUT", "executeAfter and executeBefore must be unix seconds with executeAfter < executeBefore");
  }
  const key = parameters.session ? await resolveSessionKey(parameters.session) : undefined;
  const isUnused = async (candidate: string) => {
    const query = key
      ? { contractAddress: accountAddress, entrypoint: "is_valid_session_outside_execution_nonce", calldata: [key.publicKey, candidate] }
      : { contractAddress: accountAddress, entrypoint: "is_valid_outside_execution_nonce", calldata: [candidate] };
    const [free] = await provider.callContract(query, "pre_confirmed");
    return BigInt(free ?? 0) === 1n;
  };
  let nonce: string;
  if (parameters.nonce !== undefined) {
    nonce = num.toHex(parameters.nonce);
    if (!(await isUnused(nonce))) throw new SessionError("OUTSIDE_EXECUTION_NONCE_USED", `nonce ${nonce} was already used on ${accountAddress}`, { reason: "NONCE_USED" });
  } else {
    // Consecutive nonces of one signer share a storage cell on the account.
    const stream = `${num.toHex64(accountAddress)}:${key ? key.publicKey : "owner"}`;
    nonce = nextOutsideExecutionNonce(stream);
    if (!(await isUnused(nonce))) {
      skipNonceWord(stream);
      nonce = nextOutsideExecutionNonce(stream);
      if (!(await isUnused(nonce))) throw new SessionError("OUTSIDE_EXECUTION_NONCE_USED", `nonce ${nonce} was already used on ${accountAddress}`, { reason: "NONCE_USED" });
    }
  }

  const chainId = await provider.getChainId();
  const data = outsideExecution.getTypedData(chainId, { caller: callerFelt, execute_after: executeAfter, execute_before: executeBefore }, nonce, calls, OutsideExecutionVersion.V2);
  const execution: OutsideExecution = { caller: callerFelt, nonce, execute_after: executeAfter, execute_before: executeBefore, calls: calls.map(outsideExecution.getOutsideCall) };
  const signedCalls = ((data.message as { Calls?: { To: string; Selector: string; Calldata: string[] }[] }).Calls ?? []).map((call) => ({ to: call.To, selector: call.Selector, calldata: call.Calldata }));
  const submittedCalls = execution.calls.map((call) => ({ to: num.toHex(call.to), selector: num.toHex(call.selector), calldata: (call.calldata as string[]).map((felt) => num.toHex(felt)) }));
  if (!sameContractCalls(signedCalls, toContractCalls(calls)) || !sameContractCalls(submittedCalls, toContractCalls(calls))) {
    throw new SessionError("OUTSIDE_EXECUTION_MISMATCH", "the outside execution built differs from the calls asked for: nothing was signed");
  }
  const messageHash = typedData.getMessageHash(data, accountAddress);
  const result: GetOutsideExecutionTypedDataReturnType = { typedData: data, messageHash, outsideExecution: execution };
  if (key) {
    const { generation, chainId: sessionChain, policy, authorization } = await preflightSession(provider, accountAddress, key, calls);
    const signer = new SessionSigner({ privateKey: key.privateKey, validUntil: key.validUntil, generation, accountAddress, chainId: sessionChain, ...(policy ? { policy } : {}), ...(authorization ? { authorization } : {}) });
    result.signature = stark.signatureToHexArray(await signer.signMessage(data, accountAddress));
    result.sessionMessageHash = sessionMessageHash(messageHash, generation);
  }
  return result;
}


import { Account, type Call, hash, type ProviderInterface, type ResourceBoundsBN, stark, transaction } from "starknet";
import { SessionError, toSessionError } from "../errors.ts";
import type { MethodPolicy } from "../policies/methods.ts";
import { POLICY_SIGNATURE_MAGIC, SessionSigner, sessionMessageHash } from "../signers/sessionSigner.ts";
import { type NormalizedCall, normalizeCalls } from "../utils/calls.ts";
import { assertWithinFeeLimit, type FeeLimits, resolveFeeLimits } from "../utils/fees.ts";
import { parsePublicKey } from "../utils/keys.ts";
import { preflightSession } from "./preflightSession.ts";

export interface PrepareSessionCallsParameters extends FeeLimits {
  provider: ProviderInterface;
  accountAddress: string;
  /** The session's public key and registered valid_until; the private key stays elsewhere. */
  sessionPublicKey: string;
  validUntil: number | bigint;
  calls: Call[];
  /** A policy session's method policy (its proofs go with the signature). */
  methodPolicy?: MethodPolicy | string;
}

/**
 * Estimation runs without `__validate__` (the key is elsewhere), and a policy session's
 * validation (proofs, policy slots) is heavier than a plain one's: room for it.
 */
const POLICY_VALIDATION_L2_GAS = 2_000_000n;

export interface PreparedSessionCalls {
  accountAddress: string;
  sessionPublicKey: string;
  validUntil: bigint;
  /** The registration the signature is bound to. */
  generation: bigint;
  calls: NormalizedCall[];
  /** Everything the transaction hash binds besides the calls. */
  details: { chainId: string; nonce: bigint; resourceBounds: ResourceBoundsBN; tip: bigint };
  /** The invoke transaction hash. */
  transactionHash: string;
  /** `poseidon(transactionHash, generation)`: sign exactly this with the session key (ECDSA, Stark curve). */
  messageHash: string;
  /** For a policy session: the calls' encoded proofs, sent after the signature. */
  proofs?: string[];
}

/**
 * Split signing, step 1: checks the session with the account, fixes nonce, fees and tip
 * (refusing a worst-case fee above `maxFee`), and returns the hash the session key must
 * sign — for keys held in an enclave or another process. Step 2 is `sendPreparedCalls`.
 */
export async function prepareSessionCalls({ provider, accountAddress, sessionPublicKey, validUntil, calls, methodPolicy, ...fees }: PrepareSessionCallsParameters): Promise<PreparedSessionCalls> {
  const normalized = normalizeCalls(calls);
  const { maxFee, tip } = resolveFeeLimits(fees);
  let publicKey: string;
  try {
    publicKey = parsePublicKey(sessionPublicKey, "sessionPublicKey");
  } catch (error) {
    throw new SessionError("INVALID_INPUT", (error as Error).message, { cause: error });
  }
  const session = { publicKey, validUntil: BigInt(validUntil), methodPolicy: typeof methodPolicy === "string" ? (await import("../policies/methods.ts")).methodPolicyFromJSON(methodPolicy) : methodPolicy };
  const { generation, chainId, policy } = await preflightSession(provider, accountAddress, session, normalized);
  let details: PreparedSessionCalls["details"];
  try {
    // Estimation runs the calls without validation; starknet.js adds its safety margin.
    const estimator = new Account({ provider, address: accountAddress, signer: stark.randomAddress(), cairoVersion: "1" });
    const [estimate, nonce] = await Promise.all([estimator.estimateInvokeFee(normalized, { tip }), provider.getNonceForAddress(accountAddress)]);
    const resourceBounds = policy
      ? { ...estimate.resourceBounds, l2_gas: { ...estimate.resourceBounds.l2_gas, max_amount: estimate.resourceBounds.l2_gas.max_amount + POLICY_VALIDATION_L2_GAS } }
      : estimate.resourceBounds;
    details = { chainId, nonce: BigInt(nonce), resourceBounds, tip };
  } catch (error) {
    throw toSessionError(error, { accountAddress });
  }
  assertWithinFeeLimit(details.resourceBounds, tip, maxFee);
  const transactionHash = preparedTransactionHash(accountAddress, normalized, details);
  const prepared: PreparedSessionCalls = { accountAddress, sessionPublicKey: publicKey, validUntil: session.validUntil, generation, calls: normalized, details, transactionHash, messageHash: sessionMessageHash(transactionHash, generation) };
  if (policy) prepared.proofs = policy.encodeCallProofs(normalized.map((call) => ({ to: call.contractAddress, selector: call.selector, calldata: call.calldata })));
  return prepared;
}

/** The invoke transaction hash of prepared calls, as starknet.js computes it when sending. */
export function preparedTransactionHash(accountAddress: string, calls: readonly NormalizedCall[], details: PreparedSessionCalls["details"]): string {
  const v3 = stark.v3Details({ resourceBounds: details.resourceBounds, tip: details.tip });
  return hash.calculateInvokeTransactionHash({
    senderAddress: accountAddress,
    version: "0x3",
    compiledCalldata: transaction.getExecuteCalldata([...calls], "1"),
    chainId: details.chainId as never,
    nonce: details.nonce,
    accountDeploymentData: v3.accountDeploymentData,
    nonceDataAvailabilityMode: stark.intDAM(v3.nonceDataAvailabilityMode),
    feeDataAvailabilityMode: stark.intDAM(v3.feeDataAvailabilityMode),
    resourceBounds: details.resourceBounds,
    tip: details.tip,
    paymasterData: v3.paymasterData,
  });
}

/** Used by sendPreparedCalls: returns the given signature, and only for the prepared transaction. */
export class PreparedSignatureSigner extends SessionSigner {
  constructor(
    private readonly prepared: PreparedSessionCalls,
    private readonly rs: [string, string],
    maxFee: bigint,
  ) {
    super({ privateKey: "0x1", validUntil: prepared.validUntil, generation: prepared.generation, accountAddress: prepared.accountAddress, chainId: prepared.details.chainId, maxFee, maxTip: prepared.details.tip });
  }
  protected override async signRaw(msgHash: string) {
    if (BigInt(msgHash) !== BigInt(this.prepared.transactionHash)) {
      throw new SessionError("PREPARED_CALLS_MISMATCH", `starknet.js built transaction ${msgHash}, not the prepared ${this.prepared.transactionHash}: nothing was sent`);
    }
    const signature = [this.prepared.sessionPublicKey, this.rs[0], this.rs[1], `0x${this.prepared.validUntil.toString(16)}`];
    return this.prepared.proofs === undefined ? signature : [POLICY_SIGNATURE_MAGIC, ...signature, ...this.prepared.proofs];
  }
}

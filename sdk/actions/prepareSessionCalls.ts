import { type Call, hash, type ProviderInterface, type ResourceBoundsBN, stark, transaction } from "starknet";
import { assertAuthorizationFor, type SessionAuthorization } from "../authorization/sessionAuthorization.ts";
import { SessionError, toSessionError } from "../errors.ts";
import type { MethodPolicy } from "../policies/methods.ts";
import { SessionSigner, sessionMessageHash } from "../signers/sessionSigner.ts";
import { sessionSignatureLayout } from "../signers/signatureLayout.ts";
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
  /**
   * The owner's off-chain authorization of the session (`authorizeSession`). Until the
   * account has recorded it, the prepared transaction is the session's first use and
   * carries it; afterwards it is ignored and the session signs as a registered one.
   */
  authorization?: SessionAuthorization;
}

/**
 * What the estimate leaves out: it runs without `__validate__` (the key is elsewhere), and
 * a policy session's validation checks proofs and writes its counters (the record, the
 * rate window, the fee budget: their state diff is data gas). Measured on devnet 0.10.1
 * with every term set and two spending limits, one to four calls: 0.5-0.7 M L2 gas; a
 * single call used 512 data gas where the estimate, its margin included, allowed 480.
 */
const POLICY_VALIDATION = { l2Gas: 2_000_000n, l1DataGas: 256n };

/**
 * A first use also verifies the owner's authorization and registers its terms in
 * `__validate__`: about 402,000 L2 gas per new storage cell, and their data gas. Measured
 * on devnet 0.10.1 (the whole first use against a later use of the same session): 2.75 M
 * L2 gas and 256 data gas more with no spending limit; 6.5 M and 704 more with one. Every
 * term set and two limits of 2^200-sized amounts took 13.7 M and 1,472 in all, which
 * test/integration/offchain-sessions.test.ts sends within these bounds.
 */
const FIRST_USE_VALIDATION = { l2Gas: 5_000_000n, l1DataGas: 512n };
const FIRST_USE_VALIDATION_PER_SPENDING_LIMIT = { l2Gas: 5_000_000n, l1DataGas: 768n };

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
  /** For a session's first use: the owner's authorization the signature carries. */
  authorization?: SessionAuthorization;
}

/**
 * Split signing, step 1: checks the session with the account, fixes nonce, fees and tip
 * (refusing a worst-case fee above `maxFee`), and returns the hash the session key must
 * sign — for keys held in an enclave or another process. Step 2 is `sendPreparedCalls`.
 */
export async function prepareSessionCalls({ provider, accountAddress, sessionPublicKey, validUntil, calls, methodPolicy, authorization: given, ...fees }: PrepareSessionCallsParameters): Promise<PreparedSessionCalls> {
  const normalized = normalizeCalls(calls);
  const { maxFee, tip } = resolveFeeLimits(fees);
  let publicKey: string;
  try {
    publicKey = parsePublicKey(sessionPublicKey, "sessionPublicKey");
  } catch (error) {
    throw new SessionError("INVALID_INPUT", (error as Error).message, { cause: error });
  }
  if (given !== undefined) assertAuthorizationFor(given, { sessionPublicKey: publicKey, validUntil: BigInt(validUntil), accountAddress });
  const session = {
    publicKey,
    validUntil: BigInt(validUntil),
    methodPolicy: typeof methodPolicy === "string" ? (await import("../policies/methods.ts")).methodPolicyFromJSON(methodPolicy) : methodPolicy,
    authorization: given,
  };
  const { generation, chainId, policy, authorization } = await preflightSession(provider, accountAddress, session, normalized);
  const proofs = policy?.encodeCallProofs(normalized.map((call) => ({ to: call.contractAddress, selector: call.selector, calldata: call.calldata })));
  let details: PreparedSessionCalls["details"];
  try {
    // Estimated without `__validate__` (the key is elsewhere), but under a signature of the
    // session's layout (r = s = 0): `__execute__` then runs this session's own path (exact
    // expiry, start time, the spending measurement around the calls), and the estimate
    // includes it; starknet.js adds its safety margin. An owner-looking empty signature
    // would estimate the owner's cheaper path.
    const nonce = BigInt(await provider.getNonceForAddress(accountAddress));
    const placeholder = sessionSignatureLayout({ sessionPublicKey: publicKey, r: 0, s: 0, validUntil: session.validUntil, ...(proofs === undefined ? {} : { proofs }) });
    const estimate = await provider.getInvokeEstimateFee(
      { contractAddress: accountAddress, calldata: transaction.getExecuteCalldata([...normalized], "1"), signature: placeholder },
      { ...stark.v3Details({ tip }), nonce, version: "0x3" },
      undefined,
      true,
    );
    const margin = validationMargin(policy !== undefined, authorization);
    const { l2_gas, l1_data_gas } = estimate.resourceBounds;
    const resourceBounds = {
      ...estimate.resourceBounds,
      l2_gas: { ...l2_gas, max_amount: l2_gas.max_amount + margin.l2Gas },
      l1_data_gas: { ...l1_data_gas, max_amount: l1_data_gas.max_amount + margin.l1DataGas },
    };
    details = { chainId, nonce, resourceBounds, tip };
  } catch (error) {
    throw toSessionError(error, { accountAddress });
  }
  assertWithinFeeLimit(details.resourceBounds, tip, maxFee);
  const transactionHash = preparedTransactionHash(accountAddress, normalized, details);
  const prepared: PreparedSessionCalls = { accountAddress, sessionPublicKey: publicKey, validUntil: session.validUntil, generation, calls: normalized, details, transactionHash, messageHash: sessionMessageHash(transactionHash, generation) };
  if (proofs !== undefined) prepared.proofs = proofs;
  if (authorization) prepared.authorization = authorization;
  return prepared;
}

/** What validation adds to the estimate: a policy session's checks, a first use's registration. */
function validationMargin(isPolicy: boolean, authorization: SessionAuthorization | undefined): { l2Gas: bigint; l1DataGas: bigint } {
  const margin = isPolicy ? { ...POLICY_VALIDATION } : { l2Gas: 0n, l1DataGas: 0n };
  if (authorization !== undefined) {
    const limits = BigInt(authorization.terms.spendingLimits.length);
    margin.l2Gas += FIRST_USE_VALIDATION.l2Gas + FIRST_USE_VALIDATION_PER_SPENDING_LIMIT.l2Gas * limits;
    margin.l1DataGas += FIRST_USE_VALIDATION.l1DataGas + FIRST_USE_VALIDATION_PER_SPENDING_LIMIT.l1DataGas * limits;
  }
  return margin;
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
    const { sessionPublicKey, validUntil, proofs, authorization } = this.prepared;
    return sessionSignatureLayout({ sessionPublicKey, r: this.rs[0], s: this.rs[1], validUntil, ...(proofs === undefined ? {} : { proofs }), ...(authorization === undefined ? {} : { authorization }) });
  }
}

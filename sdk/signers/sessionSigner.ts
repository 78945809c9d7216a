// A starknet.js Signer for session keys: any starknet.js `Account` built with it sends
// session transactions, and `signMessage` signs SNIP-9 V2 outside executions. starknet.js
// computes the transaction and SNIP-12 hashes; this class binds them to the session's
// registration, refuses what a session must never sign, and lays out
// `[session_pubkey, r, s, valid_until]`. The invoke hash is starknet.js's formula on a
// faster Poseidon (utils/transactionHash.ts): hashing, not ECDSA, was most of a signature.
import {
  type Call,
  CallData,
  type DeclareSignerDetails,
  type DeployAccountSignerDetails,
  ETransactionVersion3,
  ec,
  hash,
  type InvocationsSignerDetails,
  num,
  type ResourceBoundsBN,
  shortString,
  Signer,
  type Signature,
  transaction,
  type TypedData,
} from "starknet";
import { assertAuthorizationFor, type SessionAuthorization } from "../authorization/sessionAuthorization.ts";
import { poseidonHash } from "../crypto/poseidon.ts";
import { SessionError } from "../errors.ts";
import { assertWithinFeeLimit, DEFAULT_MAX_FEE } from "../utils/fees.ts";
import { createInvokeTransactionHasher } from "../utils/transactionHash.ts";
import { POLICY_SIGNATURE_MAGIC, sessionSignatureLayout } from "./signatureLayout.ts";

export interface SessionSignerParameters {
  /** The session's private key (hex). */
  privateKey: string;
  /** The session's `valid_until` as registered on the account (unix seconds). */
  validUntil: number | bigint;
  /**
   * The registration this signer signs under (`getSessionData(...).generation`). The
   * account checks `poseidon(hash, generation)`: a revoked, re-registered or updated
   * session gets a new generation, and signatures made under the old one never verify.
   */
  generation: number | bigint;
  /** The account the session belongs to: the signer signs for nothing else. */
  accountAddress: string;
  /** Chain id (hex felt, e.g. `constants.StarknetChainId.SN_MAIN`): the signer signs for no other chain. */
  chainId: string;
  /** Ceiling on a transaction's worst-case fee (resource bounds × max prices + tip), in FRI. Default 1 STRK. */
  maxFee?: bigint;
  /** Ceiling on the tip per L2 gas unit, in FRI. Default 0: pass `tip` explicitly to starknet.js and raise this. */
  maxTip?: bigint;
  /**
   * For a session registered with a policy: it signs in the policy format
   * `[POLICY_SIGNATURE_MAGIC, session_pubkey, r, s, valid_until, ...proofs]`, with one
   * Merkle proof per call from this prover (a `MethodPolicy` from `buildMethodPolicy`,
   * or `NO_METHOD_POLICY` for a policy without a method root).
   */
  policy?: CallProofEncoder;
  /**
   * The owner's authorization of this session (`authorizeSession`), for its first use: every
   * signature then leads with it, and the account registers the session from it. Pass it
   * only while the key has no record on the account (the SDK's actions check); the
   * generation is then 1. Such a session signs in the policy format (`policy` defaults to
   * `NO_METHOD_POLICY`; pass the method policy's prover when the terms have a methods root).
   */
  authorization?: SessionAuthorization;
}

/** A call as the account sees it. */
export interface ContractCall {
  to: string;
  selector: string;
  calldata: readonly string[];
}

/** Encodes `Serde(Span<CallProof>)` for calls: what a policy session's signature carries. */
export interface CallProofEncoder {
  encodeCallProofs(calls: readonly ContractCall[]): string[];
}

/** The prover of a policy session without a method root: no proofs. */
export const NO_METHOD_POLICY: CallProofEncoder = { encodeCallProofs: () => ["0x0"] };

export { POLICY_SIGNATURE_MAGIC };

/** What a session key signs: `poseidon(hash, generation)` (contracts/components/session.cairo). */
export function sessionMessageHash(messageHash: string | bigint, generation: number | bigint): string {
  return num.toHex(poseidonHash(BigInt(messageHash), BigInt(generation)));
}

const felt = (value: string | number | bigint) => BigInt(value);

const V3_VERSIONS: readonly string[] = Object.values(ETransactionVersion3);
/** `stark.intDAM`, but undefined where it throws. */
const dataAvailabilityMode = (mode: unknown) => (mode === "L1" ? 0 : mode === "L2" ? 1 : undefined);

function hasBigIntBounds(bounds: ResourceBoundsBN | undefined): boolean {
  return [bounds?.l1_gas, bounds?.l2_gas, bounds?.l1_data_gas].every((bound) => typeof bound?.max_amount === "bigint" && typeof bound.max_price_per_unit === "bigint");
}

export class SessionSigner extends Signer {
  readonly publicKey: string;
  readonly validUntil: bigint;
  readonly generation: bigint;
  readonly accountAddress: string;
  readonly chainId: string;
  readonly maxFee: bigint;
  readonly maxTip: bigint;
  readonly policy: CallProofEncoder | undefined;
  readonly authorization: SessionAuthorization | undefined;
  private readonly invokeHash = createInvokeTransactionHasher();
  /** The encoded proofs for the calls being signed (set just before `signRaw`). */
  private pendingProofs: string[] | undefined;

  constructor({ privateKey, validUntil, generation, accountAddress, chainId, maxFee = DEFAULT_MAX_FEE, maxTip = 0n, policy, authorization }: SessionSignerParameters) {
    super(privateKey);
    this.publicKey = ec.starkCurve.getStarkKey(privateKey);
    this.validUntil = BigInt(validUntil);
    this.generation = BigInt(generation);
    if (this.generation <= 0n || this.generation >= 2n ** 32n) throw new SessionError("INVALID_INPUT", "generation must be the session's registration number (a u32 >= 1, from getSessionData)");
    if (typeof accountAddress !== "string" || typeof chainId !== "string") throw new SessionError("INVALID_INPUT", "a SessionSigner needs the accountAddress and chainId it signs for");
    this.accountAddress = num.toHex64(accountAddress);
    this.chainId = num.toHex(chainId);
    this.maxFee = maxFee;
    this.maxTip = maxTip;
    this.policy = policy;
    this.authorization = authorization;
    if (authorization !== undefined) {
      const { terms } = authorization;
      assertAuthorizationFor(authorization, { sessionPublicKey: this.publicKey, validUntil: this.validUntil, accountAddress: this.accountAddress, chainId: this.chainId });
      if (this.generation !== 1n) throw new SessionError("INVALID_INPUT", "an authorization's first use signs under generation 1 (the registration it makes)");
      if (policy === undefined && BigInt(terms.methodsRoot) !== 0n) throw new SessionError("INVALID_INPUT", "the authorization has a methods root: pass the method policy's prover (policy)");
      this.policy = policy ?? NO_METHOD_POLICY;
    }
  }

  /**
   * Signs an invoke of this session's account on its chain, if its worst-case fee and its
   * tip are within the ceilings. The calls themselves are the account's to check.
   */
  override async signTransaction(transactions: Call[], details: InvocationsSignerDetails): Promise<Signature> {
    this.assertOwnAccount(details.walletAddress, details.chainId);
    const tip = felt(details.tip ?? 0);
    if (tip > this.maxTip) {
      throw new SessionError("FEE_LIMIT_EXCEEDED", `refusing to sign a tip of ${tip} FRI per L2 gas unit, above the signer's maxTip ${this.maxTip}; pass the tip explicitly and raise maxTip if intended`);
    }
    assertWithinFeeLimit(details.resourceBounds, tip, this.maxFee);
    this.pendingProofs = this.policy?.encodeCallProofs(
      transactions.map((call) => ({ to: call.contractAddress, selector: hash.getSelectorFromName(call.entrypoint), calldata: CallData.toCalldata(call.calldata ?? []) })),
    );
    const transactionHash = this.fastTransactionHash(transactions, details);
    return transactionHash === undefined ? super.signTransaction(transactions, details) : this.signRaw(transactionHash);
  }

  /**
   * The hash starknet.js's `Signer.signTransaction` would sign, or undefined for details it
   * treats otherwise (another version, unknown DA modes, missing lists, non-bigint bounds):
   * those take starknet.js's own path, with its own result or error.
   */
  private fastTransactionHash(transactions: Call[], details: InvocationsSignerDetails): string | undefined {
    const nonceDataAvailabilityMode = dataAvailabilityMode(details.nonceDataAvailabilityMode);
    const feeDataAvailabilityMode = dataAvailabilityMode(details.feeDataAvailabilityMode);
    if (
      !V3_VERSIONS.includes(details.version) ||
      nonceDataAvailabilityMode === undefined ||
      feeDataAvailabilityMode === undefined ||
      !Array.isArray(details.paymasterData) ||
      !Array.isArray(details.accountDeploymentData) ||
      (details.proofFacts !== undefined && !Array.isArray(details.proofFacts)) ||
      details.tip === undefined ||
      !hasBigIntBounds(details.resourceBounds)
    ) {
      return undefined;
    }
    return this.invokeHash({
      senderAddress: details.walletAddress,
      version: details.version,
      compiledCalldata: transaction.getExecuteCalldata(transactions, details.cairoVersion),
      chainId: details.chainId,
      nonce: details.nonce,
      accountDeploymentData: details.accountDeploymentData,
      nonceDataAvailabilityMode,
      feeDataAvailabilityMode,
      resourceBounds: details.resourceBounds,
      tip: details.tip,
      paymasterData: details.paymasterData,
      ...(details.proofFacts === undefined ? {} : { proofFacts: details.proofFacts }),
    });
  }

  /**
   * Signs SNIP-9 V2 outside executions for this session's account on its chain, and
   * nothing else. The account never accepts a session's signature on any other message
   * (`is_valid_signature` is owner-only), so anything else a session key is asked to sign
   * can only serve someone else.
   */
  override async signMessage(typedData: TypedData, accountAddress: string): Promise<Signature> {
    const domain = typedData.domain as { name?: unknown; version?: unknown; revision?: unknown; chainId?: unknown };
    const isOutsideExecutionV2 =
      typedData.primaryType === "OutsideExecution" && domain.name === "Account.execute_from_outside" && String(domain.version) === "2" && String(domain.revision) === "1";
    if (!isOutsideExecutionV2) {
      throw new SessionError("SESSION_OPERATION_NOT_ALLOWED", "a session key signs only SNIP-9 V2 outside executions, not arbitrary messages");
    }
    const chainId = typeof domain.chainId === "string" && !domain.chainId.startsWith("0x") ? shortString.encodeShortString(domain.chainId) : String(domain.chainId);
    this.assertOwnAccount(accountAddress, chainId);
    const calls = (typedData.message as { Calls?: { To: string; Selector: string; Calldata: string[] }[] }).Calls ?? [];
    this.pendingProofs = this.policy?.encodeCallProofs(calls.map((call) => ({ to: call.To, selector: call.Selector, calldata: call.Calldata })));
    return super.signMessage(typedData, accountAddress);
  }

  /** Sessions cannot declare classes: the account accepts only the owner there. */
  override async signDeclareTransaction(_details: DeclareSignerDetails): Promise<Signature> {
    throw new SessionError("SESSION_OPERATION_NOT_ALLOWED", "a session key cannot declare classes; the owner must");
  }

  /** Sessions cannot deploy the account: the account accepts only the owner there. */
  override async signDeployAccountTransaction(_details: DeployAccountSignerDetails): Promise<Signature> {
    throw new SessionError("SESSION_OPERATION_NOT_ALLOWED", "a session key cannot deploy an account; the owner must");
  }

  /**
   * `[session_pubkey, r, s, valid_until]` over `poseidon(msgHash, generation)`, or for a
   * policy session the same behind the magic felt and followed by the calls' proofs, behind
   * the owner's authorization on a first use (`sessionSignatureLayout`).
   */
  protected override async signRaw(msgHash: string): Promise<Signature> {
    const { r, s } = ec.starkCurve.sign(sessionMessageHash(msgHash, this.generation), this.pk);
    const proofs = this.pendingProofs;
    this.pendingProofs = undefined;
    return sessionSignatureLayout({ sessionPublicKey: this.publicKey, r, s, validUntil: this.validUntil, ...(proofs === undefined ? {} : { proofs }), ...(this.authorization === undefined ? {} : { authorization: this.authorization }) });
  }

  private assertOwnAccount(accountAddress: string, chainId: string): void {
    let sameAccount = false;
    let sameChain = false;
    try {
      sameAccount = felt(accountAddress) === felt(this.accountAddress);
      sameChain = felt(chainId) === felt(this.chainId);
    } catch {
      // Not a felt: neither ours.
    }
    if (!sameAccount || !sameChain) {
      throw new SessionError(
        "SESSION_OPERATION_NOT_ALLOWED",
        `this session key signs only for account ${this.accountAddress} on chain ${this.chainId}, not for ${String(accountAddress)} on ${String(chainId)}`,
      );
    }
  }
}

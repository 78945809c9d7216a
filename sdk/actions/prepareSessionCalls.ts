import { Account, type Call, hash, type ProviderInterface, type ResourceBoundsBN, stark, transaction } from "starknet";
import { toSessionError } from "../errors.ts";
import { SessionSigner } from "../signers/sessionSigner.ts";
import { checkCalls } from "../utils/calls.ts";
import { preflightSession } from "./preflightSession.ts";

export interface PrepareSessionCallsParameters {
  provider: ProviderInterface;
  accountAddress: string;
  /** The session's public key and registered valid_until; the private key stays elsewhere. */
  sessionPublicKey: string;
  validUntil: number | bigint;
  calls: Call[];
}

export interface PreparedSessionCalls {
  accountAddress: string;
  sessionPublicKey: string;
  validUntil: bigint;
  calls: Call[];
  /** Everything the transaction hash binds besides the calls. */
  details: { chainId: string; nonce: bigint; resourceBounds: ResourceBoundsBN; tip: bigint };
  /** The invoke transaction hash: sign exactly this with the session key (ECDSA, Stark curve). */
  hash: string;
}

/**
 * Split signing, step 1: checks the session with the account, fixes nonce, fees and tip,
 * and returns the hash the session key must sign — for keys held in an enclave or another
 * process. Step 2 is `sendPreparedCalls` with the signature.
 */
export async function prepareSessionCalls({ provider, accountAddress, sessionPublicKey, validUntil, calls }: PrepareSessionCallsParameters): Promise<PreparedSessionCalls> {
  checkCalls(calls);
  const session = { privateKey: "", publicKey: sessionPublicKey, validUntil: BigInt(validUntil) };
  await preflightSession(provider, accountAddress, session, calls);
  try {
    // Estimation runs the calls without validation; starknet.js adds its safety margin.
    const estimator = new Account({ provider, address: accountAddress, signer: stark.randomAddress(), cairoVersion: "1" });
    const [estimate, nonce, chainId] = await Promise.all([estimator.estimateInvokeFee(calls), provider.getNonceForAddress(accountAddress), provider.getChainId()]);
    const details = { chainId, nonce: BigInt(nonce), resourceBounds: estimate.resourceBounds, tip: 0n };
    const v3 = stark.v3Details({ resourceBounds: details.resourceBounds, tip: details.tip });
    const txHash = hash.calculateInvokeTransactionHash({
      senderAddress: accountAddress,
      version: "0x3",
      compiledCalldata: transaction.getExecuteCalldata(calls, "1"),
      chainId,
      nonce: details.nonce,
      accountDeploymentData: v3.accountDeploymentData,
      nonceDataAvailabilityMode: stark.intDAM(v3.nonceDataAvailabilityMode),
      feeDataAvailabilityMode: stark.intDAM(v3.feeDataAvailabilityMode),
      resourceBounds: details.resourceBounds,
      tip: details.tip,
      paymasterData: v3.paymasterData,
    });
    return { accountAddress, sessionPublicKey, validUntil: session.validUntil, calls, details, hash: txHash };
  } catch (error) {
    throw toSessionError(error);
  }
}

/** Used by sendPreparedCalls: returns the given signature, and only for the prepared hash. */
export class PreparedSignatureSigner extends SessionSigner {
  constructor(
    private readonly prepared: PreparedSessionCalls,
    private readonly rs: [string, string],
  ) {
    super({ privateKey: "0x1", validUntil: prepared.validUntil });
  }
  protected override async signRaw(msgHash: string) {
    if (BigInt(msgHash) !== BigInt(this.prepared.hash)) {
      throw toSessionError(new Error("the transaction to send differs from the prepared one (hash mismatch)"));
    }
    return [this.prepared.sessionPublicKey, this.rs[0], this.rs[1], `0x${this.prepared.validUntil.toString(16)}`];
  }
}

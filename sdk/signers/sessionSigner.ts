// A starknet.js Signer for session keys: any starknet.js `Account` built with it sends
// session transactions, and `signMessage` signs SNIP-9 outside executions. starknet.js
// computes every hash (transaction hash, SNIP-12 message hash); this class only lays out
// the session signature `[session_pubkey, r, s, valid_until]`.
import { type DeclareSignerDetails, type DeployAccountSignerDetails, ec, num, Signer, type Signature, type TypedData } from "starknet";
import { SessionError } from "../errors.ts";

export interface SessionSignerParameters {
  /** The session's private key (hex). */
  privateKey: string;
  /** The session's `valid_until` as registered on the account (unix seconds). */
  validUntil: number | bigint;
}

export class SessionSigner extends Signer {
  readonly publicKey: string;
  readonly validUntil: bigint;

  constructor({ privateKey, validUntil }: SessionSignerParameters) {
    super(privateKey);
    this.publicKey = ec.starkCurve.getStarkKey(privateKey);
    this.validUntil = BigInt(validUntil);
  }

  /**
   * Signs SNIP-9 V2 outside executions only. The account never accepts a session's
   * signature on any other message (`is_valid_signature` is owner-only), so anything
   * else a session key is asked to sign can only serve someone else: refuse it.
   */
  override async signMessage(typedData: TypedData, accountAddress: string): Promise<Signature> {
    const domain = typedData.domain as { name?: unknown; version?: unknown; revision?: unknown };
    const isOutsideExecutionV2 =
      typedData.primaryType === "OutsideExecution" && domain.name === "Account.execute_from_outside" && String(domain.version) === "2" && String(domain.revision) === "1";
    if (!isOutsideExecutionV2) {
      throw new SessionError("SESSION_OPERATION_NOT_ALLOWED", "a session key signs only SNIP-9 V2 outside executions, not arbitrary messages");
    }
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

  /** `[session_pubkey, r, s, valid_until]` over `msgHash`. */
  protected override async signRaw(msgHash: string): Promise<Signature> {
    const { r, s } = ec.starkCurve.sign(msgHash, this.pk);
    return [this.publicKey, num.toHex(r), num.toHex(s), num.toHex(this.validUntil)];
  }
}

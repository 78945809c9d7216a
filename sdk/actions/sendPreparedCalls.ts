import { Account, ec, num, type ProviderInterface } from "starknet";
import { assertAuthorizationFor } from "../authorization/sessionAuthorization.ts";
import { SessionError, toSessionError } from "../errors.ts";
import { sessionMessageHash } from "../signers/sessionSigner.ts";
import { assertWithinFeeLimit, DEFAULT_MAX_FEE } from "../utils/fees.ts";
import { settle } from "../utils/receipts.ts";
import { preparedTransactionHash, PreparedSignatureSigner, type PreparedSessionCalls } from "./prepareSessionCalls.ts";

export interface SendPreparedCallsParameters {
  provider: ProviderInterface;
  prepared: PreparedSessionCalls;
  /** The session key's ECDSA signature of `prepared.messageHash`. */
  signature: { r: string | bigint; s: string | bigint };
  /** Ceiling on the prepared transaction's worst-case fee, in FRI (default 1 STRK). */
  maxFee?: bigint;
}

export interface SendPreparedCallsReturnType {
  transactionHash: string;
  fee: bigint;
}

/**
 * Split signing, step 2: submits the prepared calls with exactly the prepared nonce, fees
 * and tip, and the session signature `[pubkey, r, s, valid_until]`. Before anything is
 * sent it checks, locally, that the prepared object still hashes to what was signed, that
 * the signature verifies for the session key, and that the fee fits `maxFee`; starknet.js
 * recomputes the hash once more when sending. A first use's authorization is not part of
 * what the session key signs: keep the prepared object where the key's requests are kept,
 * or anyone holding it and another owner authorization of the same key could send that one.
 */
export async function sendPreparedCalls({ provider, prepared, signature, maxFee = DEFAULT_MAX_FEE }: SendPreparedCallsParameters): Promise<SendPreparedCallsReturnType> {
  const transactionHash = preparedTransactionHash(prepared.accountAddress, prepared.calls, prepared.details);
  if (BigInt(transactionHash) !== BigInt(prepared.transactionHash) || BigInt(sessionMessageHash(transactionHash, prepared.generation)) !== BigInt(prepared.messageHash)) {
    throw new SessionError("PREPARED_CALLS_MISMATCH", "the prepared calls were modified after they were prepared (their hash no longer matches): nothing was sent");
  }
  // The key's signature covers the transaction, not the authorization a first use carries
  // (the account checks the owner's signature of its terms): it must at least be for this
  // session, account and chain.
  if (prepared.authorization !== undefined) {
    assertAuthorizationFor(prepared.authorization, { sessionPublicKey: prepared.sessionPublicKey, validUntil: prepared.validUntil, accountAddress: prepared.accountAddress, chainId: prepared.details.chainId });
  }
  const rs: [string, string] = [num.toHex(signature.r), num.toHex(signature.s)];
  if (!verifiesForStarkKey(rs, prepared.messageHash, prepared.sessionPublicKey)) throw new SessionError("SESSION_INVALID_SIGNATURE", "the signature does not verify for the session key over prepared.messageHash: nothing was sent", { reason: "INVALID_SIGNATURE" });
  assertWithinFeeLimit(prepared.details.resourceBounds, prepared.details.tip, maxFee);

  const account = new Account({ provider, address: prepared.accountAddress, signer: new PreparedSignatureSigner(prepared, rs, maxFee), cairoVersion: "1" });
  let sent: string;
  try {
    ({ transaction_hash: sent } = await account.execute(prepared.calls, {
      nonce: prepared.details.nonce,
      resourceBounds: prepared.details.resourceBounds,
      tip: prepared.details.tip,
    }));
  } catch (error) {
    throw toSessionError(error, { accountAddress: prepared.accountAddress });
  }
  if (BigInt(sent) !== BigInt(prepared.transactionHash)) {
    throw new SessionError("PREPARED_CALLS_MISMATCH", `the node reports hash ${sent}, not the prepared ${prepared.transactionHash}`);
  }
  return settle(provider, sent, prepared.accountAddress);
}

/**
 * ECDSA check as the account makes it (`check_ecdsa_signature`): a Stark key is an x
 * coordinate, and either point with that x verifies.
 */
function verifiesForStarkKey([r, s]: [string, string], messageHash: string, starkKey: string): boolean {
  try {
    const signature = new ec.starkCurve.Signature(BigInt(r), BigInt(s));
    const x = BigInt(starkKey).toString(16).padStart(64, "0");
    return ["02", "03"].some((prefix) => ec.starkCurve.verify(signature, messageHash, `${prefix}${x}`));
  } catch {
    return false;
  }
}

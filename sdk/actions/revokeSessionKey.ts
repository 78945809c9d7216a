import { type Account, CallData } from "starknet";
import { toSessionError } from "../errors.ts";
import { assertSessionSupport } from "./supportsSessions.ts";

export interface RevokeSessionKeyParameters {
  /** The account, signing as its owner. */
  account: Account;
  sessionPublicKey: string;
}

export interface RevokeSessionKeyReturnType {
  transactionHash: string;
}

/** Revokes a session (owner-signed); waits for it. Revoking what is not live throws its reason. */
export async function revokeSessionKey({ account, sessionPublicKey }: RevokeSessionKeyParameters): Promise<RevokeSessionKeyReturnType> {
  await assertSessionSupport({ provider: account.provider, accountAddress: account.address });
  try {
    const { transaction_hash } = await account.execute({ contractAddress: account.address, entrypoint: "revoke_session_key", calldata: CallData.compile([sessionPublicKey]) });
    const receipt = await account.provider.waitForTransaction(transaction_hash);
    if (!receipt.isSuccess()) throw toSessionError(JSON.stringify(receipt.value));
    return { transactionHash: transaction_hash };
  } catch (error) {
    throw toSessionError(error);
  }
}

import type { ProviderInterface } from "starknet";
import { getEndSessionCall } from "../builders/sessionCalls.ts";
import type { FeeLimits } from "../utils/fees.ts";
import { resolveSessionKey, type SessionKeyInput } from "../utils/sessionKey.ts";
import { executeTransactionWithSession, type ExecuteTransactionWithSessionReturnType } from "./executeTransactionWithSession.ts";

export interface EndSessionParameters extends FeeLimits {
  provider: ProviderInterface;
  accountAddress: string;
  /** The session that ends itself: it signs, no owner needed (a dApp's "log out"). */
  session: SessionKeyInput;
}

/**
 * The session ends itself: a session-signed transaction whose only call is the account's
 * `end_session` for its own key. Afterwards the key is revoked and every signature it made
 * is dead. The account pays the fee (within the session's cap).
 */
export async function endSession({ provider, accountAddress, session, ...fees }: EndSessionParameters): Promise<ExecuteTransactionWithSessionReturnType> {
  const { publicKey } = await resolveSessionKey(session);
  return executeTransactionWithSession({ provider, accountAddress, session, calls: [getEndSessionCall({ accountAddress, sessionPublicKey: publicKey })], ...fees });
}

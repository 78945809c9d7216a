import type { Call, ProviderInterface } from "starknet";
import { errorFromReason, SessionError } from "../errors.ts";
import type { ResolvedSessionKey } from "../utils/sessionKey.ts";
import { getSessionStatus } from "./getSessionStatus.ts";
import { assertSessionSupport } from "./supportsSessions.ts";

/**
 * Asks the account, before anything is signed, whether it would accept this session for
 * these calls: SRC-5 support, the dry-run `session_status`, and the registered
 * valid_until. Throws the typed error the send would end in.
 */
export async function preflightSession(provider: ProviderInterface, accountAddress: string, session: ResolvedSessionKey, calls: Call[]): Promise<void> {
  await assertSessionSupport({ provider, accountAddress });
  const reason = await getSessionStatus({ provider, accountAddress, sessionPublicKey: session.publicKey, calls });
  if (reason !== "OK") throw errorFromReason(reason);
  const [registered] = await provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_data", calldata: [session.publicKey] });
  if (BigInt(registered ?? 0) !== session.validUntil) {
    throw new SessionError("SESSION_VALID_UNTIL_MISMATCH", `the session is registered until ${BigInt(registered ?? 0)}, not ${session.validUntil}`, { reason: "VALID_UNTIL_MISMATCH" });
  }
}

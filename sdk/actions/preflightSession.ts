import { type ProviderInterface, num } from "starknet";
import { errorFromReason, SessionError } from "../errors.ts";
import type { NormalizedCall } from "../utils/calls.ts";
import { getSessionStatus } from "./getSessionStatus.ts";
import { assertSessionSupport } from "./supportsSessions.ts";

export interface SessionContext {
  /** The registration the session signs under (`get_session_generation`). */
  generation: bigint;
  /** The chain the provider is on (hex). */
  chainId: string;
}

/**
 * Asks the account, before anything is signed, whether it would accept this session for
 * these calls: SRC-5 support, the dry-run `session_status`, and the registered
 * valid_until. Throws the typed error the send would end in; returns what the signer
 * binds its signature to.
 */
export async function preflightSession(
  provider: ProviderInterface,
  accountAddress: string,
  session: { publicKey: string; validUntil: bigint },
  calls: readonly NormalizedCall[],
): Promise<SessionContext> {
  await assertSessionSupport({ provider, accountAddress });
  const [reason, [registered], [generation], chainId] = await Promise.all([
    getSessionStatus({ provider, accountAddress, sessionPublicKey: session.publicKey, calls }),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_data", calldata: [session.publicKey] }, "pre_confirmed"),
    provider.callContract({ contractAddress: accountAddress, entrypoint: "get_session_generation", calldata: [session.publicKey] }, "pre_confirmed"),
    provider.getChainId(),
  ]);
  if (reason !== "OK") throw errorFromReason(reason);
  if (BigInt(registered ?? 0) !== session.validUntil) {
    throw new SessionError("SESSION_VALID_UNTIL_MISMATCH", `the session is registered until ${BigInt(registered ?? 0)}, not ${session.validUntil}`, { reason: "VALID_UNTIL_MISMATCH" });
  }
  return { generation: BigInt(generation ?? 0), chainId: num.toHex(chainId) };
}

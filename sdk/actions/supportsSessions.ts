import { type ProviderInterface, src5 } from "starknet";
import { SessionError } from "../errors.ts";

/** ISessionKeyManager's SRC-5 id (XOR of sn_keccak of its three function names). */
export const SESSION_KEY_MANAGER_INTERFACE_ID = "0x37ab4f01106526662a612eaa2926df2aa314c4144b964f183805880bbcfa55d";

export interface AssertSessionSupportParameters {
  provider: ProviderInterface;
  accountAddress: string;
}

/** Throws SESSION_NOT_SUPPORTED unless the account reports ISessionKeyManager via SRC-5. */
export async function assertSessionSupport({ provider, accountAddress }: AssertSessionSupportParameters): Promise<void> {
  // src5.supportsInterface treats a failing call (no contract, no SRC-5) as "not supported".
  const supported = await src5.supportsInterface(provider as never, accountAddress, SESSION_KEY_MANAGER_INTERFACE_ID);
  if (!supported) {
    throw new SessionError("SESSION_NOT_SUPPORTED", `account ${accountAddress} does not report the session-key interface through SRC-5`);
  }
}

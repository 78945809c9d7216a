// The admin entrypoints no session may ever call (contracts/session/blocklist.cairo; a test
// keeps the two lists equal). The account refuses them at every call a session makes; the
// builders refuse them up front, since a session naming one could never use it.
import { hash } from "starknet";
import { SessionError } from "../errors.ts";

export const BLOCKED_ENTRYPOINTS = [
  "upgrade",
  "add_or_update_session_key",
  "revoke_session_key",
  "__execute__",
  "set_public_key",
  "setPublicKey",
  "execute_from_outside_v2",
  "set_spending_policy",
  "remove_spending_policy",
  "set_session_max_fee",
  "revoke_all_sessions",
  "add_session_with_policy",
] as const;

const BLOCKED_SELECTORS = new Map(BLOCKED_ENTRYPOINTS.map((name) => [BigInt(hash.getSelectorFromName(name)), name]));

/** The blocklist's name for `selector` (hex), or undefined when it is not blocked. */
export function blockedEntrypointName(selector: string): string | undefined {
  return BLOCKED_SELECTORS.get(BigInt(selector));
}

/** Throws `SESSION_SELECTOR_BLOCKED` if `selector` (hex) is one of the blocklist's. */
export function assertNotBlocked(selector: string, what: string): void {
  const name = blockedEntrypointName(selector);
  if (name !== undefined) {
    throw new SessionError("SESSION_SELECTOR_BLOCKED", `${what} is \`${name}\`: a session can never call an admin entrypoint, so it cannot be allowed`, { reason: "BLOCKED_SELECTOR" });
  }
}

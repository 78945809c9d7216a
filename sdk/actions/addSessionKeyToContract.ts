import type { Account } from "starknet";
import { getAddSessionKeyCall, type GetAddSessionKeyCallParameters, getAddSessionWithPolicyCall, type SessionPolicyInput } from "../builders/sessionCalls.ts";
import { SessionError } from "../errors.ts";
import type { MethodPolicy, MethodPolicyEntry } from "../policies/methods.ts";
import type { FeeLimits } from "../utils/fees.ts";
import { sendOwnerCalls } from "../utils/ownerSend.ts";
import { assertSessionSupport } from "./supportsSessions.ts";

export interface AddSessionKeyToContractParameters extends Omit<GetAddSessionKeyCallParameters, "allowedEntrypoints" | "accountAddress">, FeeLimits {
  /** The account, signing as its owner. */
  account: Account;
  /**
   * The SNIP whitelist: entrypoint names or selectors, on any contract. Empty means every
   * entrypoint of every contract that is not an admin one: only with `allowAnyEntrypoint`.
   * Omit it when `policy.methods` scopes the session instead.
   */
  allowedEntrypoints?: string[];
  /** Says that an empty whitelist (any contract, any non-admin entrypoint) is meant. */
  allowAnyEntrypoint?: boolean;
  /**
   * A policy session (the account's extension): methods as (contract, entrypoint[, pinned
   * arguments]) entries, start time, fee cap and budget, rate limit.
   */
  policy?: Omit<SessionPolicyInput, "methodsRoot"> & { methods?: MethodPolicyEntry[] };
}

export interface AddSessionKeyToContractReturnType {
  transactionHash: string;
  /** Fee paid by the account, in FRI. */
  fee: bigint;
  /** The method policy to keep with the session (pass it as `session.methodPolicy`). */
  methodPolicy?: MethodPolicy;
}

/**
 * Registers (or replaces) a session on the account, signed by the owner; waits for it.
 * Refuses the owner's own key before sending (the account refuses it too), an empty
 * whitelist unless `allowAnyEntrypoint` says so, and a worst-case fee above `maxFee`
 * (default 1 STRK); the tip is `tip` (default 0).
 */
export async function addSessionKeyToContract({ account, maxFee, tip, policy, allowedEntrypoints, allowAnyEntrypoint, ...session }: AddSessionKeyToContractParameters): Promise<AddSessionKeyToContractReturnType> {
  let call;
  let methodPolicy: MethodPolicy | undefined;
  if (policy) {
    if (allowedEntrypoints !== undefined && allowedEntrypoints.length > 0) throw new SessionError("INVALID_INPUT", "a policy session is scoped by policy.methods, not by allowedEntrypoints");
    const { methods, ...rest } = policy;
    if ((methods === undefined || methods.length === 0) && allowAnyEntrypoint !== true) {
      throw new SessionError("INVALID_INPUT", "a policy without methods lets the session call any contract's non-admin entrypoints: pass allowAnyEntrypoint: true to mean it");
    }
    methodPolicy = methods && methods.length > 0 ? (await import("../policies/methods.ts")).buildMethodPolicy(methods) : undefined;
    call = getAddSessionWithPolicyCall({ accountAddress: account.address, ...session, policy: { ...rest, ...(methodPolicy ? { methodsRoot: methodPolicy.root } : {}) } });
  } else {
    const entrypoints = allowedEntrypoints ?? [];
    if (entrypoints.length === 0 && allowAnyEntrypoint !== true) {
      throw new SessionError("INVALID_INPUT", "an empty whitelist lets the session call any contract's non-admin entrypoints: list them, use policy.methods, or pass allowAnyEntrypoint: true to mean it");
    }
    call = getAddSessionKeyCall({ accountAddress: account.address, ...session, allowedEntrypoints: entrypoints });
  }
  await assertSessionSupport({ provider: account.provider, accountAddress: account.address });
  const [owner] = await account.provider.callContract({ contractAddress: account.address, entrypoint: "get_public_key" });
  if (BigInt(owner ?? 0) === BigInt(session.sessionPublicKey)) {
    throw new SessionError("SESSION_INVALID_KEY", "the session key is the account owner's key: a session needs a key of its own", { reason: "INVALID_SESSION_KEY" });
  }
  const sent = await sendOwnerCalls(account, [call], { ...(maxFee === undefined ? {} : { maxFee }), ...(tip === undefined ? {} : { tip }) });
  return methodPolicy ? { ...sent, methodPolicy } : sent;
}

// Fee ceilings the SDK enforces before it signs: a node can lie about recent tips and
// about fee estimates, and whatever bounds and tip a transaction carries, the account pays
// up to them. So every sending action has an absolute ceiling the RPC cannot move.
import type { ResourceBoundsBN } from "starknet";
import { SessionError } from "../errors.ts";

/**
 * Default ceiling on what one transaction may cost at worst, in FRI: 1 STRK. A session
 * transfer costs about 0.002 STRK on devnet (its worst-case bounds about 2-3× that) and a
 * 100-entry registration about 0.05 STRK: far below. Raise it per call with `maxFee`.
 */
export const DEFAULT_MAX_FEE = 10n ** 18n;

/** STRK, Starknet's fee token: the same address on mainnet, Sepolia and devnet. */
export const STRK_TOKEN_ADDRESS = "0x04718f5a0fc34cc1af16a1cdee98ffb20c31f5cd61d6ab07201858f4287c938d";

/**
 * FRI in a decimal amount of STRK ("5", "0.25", at most 18 decimals), or undefined when the
 * text is not one: what an operator writes in configuration or on a command line.
 */
export function strkToFri(value: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{1,18}))?$/.exec(value);
  if (!match) return undefined;
  return BigInt(match[1] as string) * 10n ** 18n + BigInt((match[2] ?? "").padEnd(18, "0"));
}

export interface FeeLimits {
  /** Ceiling on the worst case the signed transaction allows, in FRI (default 1 STRK). */
  maxFee?: bigint;
  /** Tip per unit of L2 gas, in FRI, exactly as signed (default 0). Never the node's guess. */
  tip?: bigint;
}

/**
 * The most a transaction with these bounds and tip can charge: every resource at its
 * max amount and max price, plus the tip on every unit of L2 gas.
 */
export function worstCaseFee(resourceBounds: ResourceBoundsBN, tip: bigint): bigint {
  const cost = (bound: { max_amount: bigint; max_price_per_unit: bigint }) => BigInt(bound.max_amount) * BigInt(bound.max_price_per_unit);
  return cost(resourceBounds.l1_gas) + cost(resourceBounds.l2_gas) + cost(resourceBounds.l1_data_gas) + BigInt(tip) * BigInt(resourceBounds.l2_gas.max_amount);
}

/** Reads `maxFee` and `tip` from an action's parameters, refusing nonsense. */
export function resolveFeeLimits(limits: FeeLimits): { maxFee: bigint; tip: bigint } {
  const maxFee = limits.maxFee ?? DEFAULT_MAX_FEE;
  const tip = limits.tip ?? 0n;
  if (typeof maxFee !== "bigint" || maxFee <= 0n) throw new SessionError("INVALID_INPUT", "maxFee must be a positive bigint (FRI)");
  if (typeof tip !== "bigint" || tip < 0n) throw new SessionError("INVALID_INPUT", "tip must be a bigint >= 0 (FRI per L2 gas unit)");
  return { maxFee, tip };
}

/** Throws FEE_LIMIT_EXCEEDED unless the worst case of `resourceBounds` + `tip` fits `maxFee`. */
export function assertWithinFeeLimit(resourceBounds: ResourceBoundsBN, tip: bigint, maxFee: bigint): void {
  const worst = worstCaseFee(resourceBounds, tip);
  if (worst > maxFee) {
    throw new SessionError(
      "FEE_LIMIT_EXCEEDED",
      `refusing to sign: this transaction could cost up to ${worst} FRI (resource bounds and tip), above the ${maxFee} FRI ceiling; pass a higher maxFee if that is intended`,
      { details: JSON.stringify({ worstCaseFee: worst.toString(), maxFee: maxFee.toString(), tip: tip.toString() }) },
    );
  }
}

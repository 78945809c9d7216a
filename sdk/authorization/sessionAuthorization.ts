// Sessions the owner authorizes off-chain: the SNIP-12 (revision 1) `Session` typed data the
// owner signs, its message hash, and the authorization a session's first use carries
// (contracts/session/authorization.cairo is the other half). Pure and browser-safe: no node.
import { type BigNumberish, num, type Signature, stark, type TypedData, typedData as typedDataUtils } from "starknet";
import { SessionError } from "../errors.ts";
import { parseAddress, parsePublicKey } from "../utils/keys.ts";

/** The SNIP-12 types of a session authorization (StarknetDomain, Session, Spending Limit). */
export const SESSION_AUTHORIZATION_TYPES = {
  StarknetDomain: [
    { name: "name", type: "shortstring" },
    { name: "version", type: "shortstring" },
    { name: "chainId", type: "shortstring" },
    { name: "revision", type: "shortstring" },
  ],
  Session: [
    { name: "Key", type: "felt" },
    { name: "Valid After", type: "timestamp" },
    { name: "Valid Until", type: "timestamp" },
    { name: "Max Calls", type: "u128" },
    { name: "Methods Root", type: "felt" },
    { name: "Max Fee Per Tx", type: "u128" },
    { name: "Fee Budget", type: "u128" },
    { name: "Max Transactions", type: "u128" },
    { name: "Period Seconds", type: "u128" },
    { name: "Spending Limits", type: "Spending Limit*" },
    { name: "Epoch", type: "u128" },
  ],
  "Spending Limit": [
    { name: "Token", type: "ContractAddress" },
    { name: "Max Per Call", type: "u256" },
    { name: "Max Per Window", type: "u256" },
    { name: "Window Seconds", type: "u128" },
  ],
};

/** The domain's name and version (revision 1); the chain id is the account's. */
export const SESSION_AUTHORIZATION_DOMAIN = { name: "SessionAccount.session", version: "1", revision: "1" } as const;

/** One token's spending limit, as `set_spending_policy` takes it. Amounts in the token's units. */
export interface SpendingLimitInput {
  token: string;
  maxPerCall: bigint;
  maxPerWindow: bigint;
  windowSeconds: number;
}

/** A spending limit as an authorization keeps it (JSON-safe: amounts as decimal strings). */
export interface SessionSpendingLimit {
  /** 0x + 64 hex digits. */
  token: string;
  maxPerCall: string;
  maxPerWindow: string;
  windowSeconds: number;
}

/**
 * Everything an authorized session may do, as the owner signs it and the account registers
 * it at the first use. JSON-safe: big values are decimal strings.
 */
export interface SessionTerms {
  /** The session's public key (hex). */
  sessionKey: string;
  /** Unix seconds before which the session may not act (0: none). */
  validAfter: number;
  /** Unix seconds after which it may not act. */
  validUntil: number;
  maxCalls: number;
  /** Merkle root of the allowed methods (`buildMethodPolicy(entries).root`), 0x0 for none. */
  methodsRoot: string;
  /** Cap on one transaction's worst-case fee, FRI (decimal; "0": the default 1 STRK). */
  maxFeePerTx: string;
  /** Cap on the sum of worst-case fees, FRI (decimal; "0": none). */
  feeBudget: string;
  /** Rate limit: at most `maxTransactions` per `periodSeconds` (both 0: none). */
  maxTransactions: number;
  periodSeconds: number;
  spendingLimits: SessionSpendingLimit[];
  /** The account's revoke-all epoch when signed: a revoke-all ends the authorization. */
  epoch: number;
}

/** An owner's authorization of a session: JSON-serialisable, bound to one account on one chain. */
export interface SessionAuthorization {
  /** 0x + 64 hex digits. */
  accountAddress: string;
  /** Hex felt (e.g. `constants.StarknetChainId.SN_SEPOLIA`). */
  chainId: string;
  terms: SessionTerms;
  /** The owner's ECDSA signature `[r, s]` of `sessionAuthorizationHash(...)`. */
  ownerSignature: [string, string];
}

const U32 = 2 ** 32;
const FEE_UNIT = 10n ** 15n;
const U256_LIMIT = 2n ** 256n;
const MAX_WINDOW_SECONDS = 366 * 86_400;

function invalid(message: string): SessionError {
  return new SessionError("INVALID_INPUT", message);
}

function u32Field(value: number, what: string, min = 0): number {
  if (!Number.isInteger(value) || value < min || value >= U32) throw invalid(`${what} must be a whole number between ${min} and ${U32 - 1}`);
  return value;
}

function timeField(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** 53) throw invalid(`${what} must be unix seconds`);
  return value;
}

function feeField(value: bigint, what: string): string {
  if (typeof value !== "bigint" || value < 0n || value % FEE_UNIT !== 0n || value / FEE_UNIT >= BigInt(U32)) {
    throw invalid(`${what} must be a multiple of 10^15 FRI (0.001 STRK), below 2^32 x 10^15`);
  }
  return value.toString();
}

function amount(value: bigint | string, what: string): bigint {
  const parsed = typeof value === "bigint" ? value : /^[0-9]+$/.test(value) ? BigInt(value) : undefined;
  if (parsed === undefined || parsed < 0n || parsed >= U256_LIMIT) throw invalid(`${what} must be a whole amount below 2^256`);
  return parsed;
}

const FIELD_PRIME = 2n ** 251n + 17n * 2n ** 192n + 1n;

function hexFelt(value: string, what: string): string {
  const parsed = typeof value === "string" && /^(0x[0-9a-fA-F]{1,64}|[0-9]+)$/.test(value) ? BigInt(value) : undefined;
  if (parsed === undefined || parsed >= FIELD_PRIME) throw invalid(`${what} must be a felt (hex)`);
  return num.toHex(parsed);
}

/** Checks terms the account could store and returns them normalised (throws INVALID_INPUT). */
export function normalizeSessionTerms(terms: SessionTerms): SessionTerms {
  let sessionKey: string;
  try {
    sessionKey = parsePublicKey(terms.sessionKey, "sessionKey");
  } catch (error) {
    throw new SessionError(error instanceof RangeError ? "SESSION_INVALID_KEY" : "INVALID_INPUT", (error as Error).message, { cause: error, ...(error instanceof RangeError ? { reason: "INVALID_SESSION_KEY" as const } : {}) });
  }
  const validAfter = timeField(terms.validAfter, "validAfter");
  const validUntil = timeField(terms.validUntil, "validUntil");
  if (validAfter >= validUntil) throw invalid("validAfter must come before validUntil");
  const maxTransactions = u32Field(terms.maxTransactions, "maxTransactions");
  const periodSeconds = u32Field(terms.periodSeconds, "periodSeconds");
  if ((maxTransactions === 0) !== (periodSeconds === 0) || (periodSeconds !== 0 && periodSeconds < 3_600)) {
    throw invalid("a rate limit needs maxTransactions >= 1 and periodSeconds >= 3600 (validation sees the hour-rounded time), or both 0");
  }
  const tokens = new Set<string>();
  const spendingLimits = terms.spendingLimits.map((limit, index): SessionSpendingLimit => {
    let token: string;
    try {
      token = parseAddress(limit.token, `spendingLimits[${index}].token`);
    } catch (error) {
      throw invalid((error as Error).message);
    }
    if (tokens.has(token)) throw invalid(`spendingLimits names token ${token} twice`);
    tokens.add(token);
    const maxPerCall = amount(limit.maxPerCall, `spendingLimits[${index}].maxPerCall`);
    const maxPerWindow = amount(limit.maxPerWindow, `spendingLimits[${index}].maxPerWindow`);
    if (maxPerCall > maxPerWindow) throw invalid(`spendingLimits[${index}]: maxPerCall must not exceed maxPerWindow`);
    const windowSeconds = limit.windowSeconds;
    if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) throw invalid(`spendingLimits[${index}].windowSeconds must be between 1 and a year`);
    return { token, maxPerCall: maxPerCall.toString(), maxPerWindow: maxPerWindow.toString(), windowSeconds };
  });
  return {
    sessionKey,
    validAfter,
    validUntil,
    maxCalls: u32Field(terms.maxCalls, "maxCalls", 1),
    methodsRoot: hexFelt(terms.methodsRoot, "methodsRoot"),
    maxFeePerTx: feeField(amount(terms.maxFeePerTx, "maxFeePerTx"), "maxFeePerTx"),
    feeBudget: feeField(amount(terms.feeBudget, "feeBudget"), "feeBudget"),
    maxTransactions,
    periodSeconds,
    spendingLimits,
    epoch: u32Field(terms.epoch, "epoch"),
  };
}

const u256 = (value: string) => {
  const big = BigInt(value);
  return { low: num.toHex(big & (2n ** 128n - 1n)), high: num.toHex(big >> 128n) };
};

/** The SNIP-12 typed data the owner signs (with any wallet's `signTypedData` / `account.signMessage`). */
export function sessionAuthorizationTypedData({ chainId, terms }: { chainId: string; terms: SessionTerms }): TypedData {
  return {
    types: SESSION_AUTHORIZATION_TYPES,
    primaryType: "Session",
    domain: { ...SESSION_AUTHORIZATION_DOMAIN, chainId: num.toHex(chainId) },
    message: {
      Key: terms.sessionKey,
      "Valid After": terms.validAfter,
      "Valid Until": terms.validUntil,
      "Max Calls": terms.maxCalls,
      "Methods Root": terms.methodsRoot,
      "Max Fee Per Tx": terms.maxFeePerTx,
      "Fee Budget": terms.feeBudget,
      "Max Transactions": terms.maxTransactions,
      "Period Seconds": terms.periodSeconds,
      "Spending Limits": terms.spendingLimits.map((limit) => ({ Token: limit.token, "Max Per Call": u256(limit.maxPerCall), "Max Per Window": u256(limit.maxPerWindow), "Window Seconds": limit.windowSeconds })),
      Epoch: terms.epoch,
    },
  };
}

/**
 * The SNIP-12 message hash the owner signs for these terms on `accountAddress` and
 * `chainId`: also the authorization's identity, which the account records at the first
 * use (`get_session_authorization`).
 */
export function sessionAuthorizationHash({ accountAddress, chainId, terms }: { accountAddress: string; chainId: string; terms: SessionTerms }): string {
  return num.toHex(typedDataUtils.getMessageHash(sessionAuthorizationTypedData({ chainId, terms }), accountAddress));
}

/** An owner signature as `[r, s]` (hex): a wallet's `string[]` or starknet.js's `{ r, s }`. */
export function ownerSignaturePair(signature: Signature): [string, string] {
  const felts = stark.formatSignature(signature).map((felt) => num.toHex(felt));
  if (felts.length !== 2) throw new SessionError("INVALID_INPUT", `the owner's signature must be [r, s]; got ${felts.length} elements (the account checks the owner's key only)`);
  return [felts[0] as string, felts[1] as string];
}

/**
 * `Serde(SessionAuthorization)` as the account reads it after the magic: the terms in
 * declaration order (spending limits as a length-prefixed list, each u256 as low, high),
 * then the owner's r and s.
 */
export function encodeSessionAuthorization(authorization: SessionAuthorization): string[] {
  const { terms } = authorization;
  const hex = (value: BigNumberish) => num.toHex(value);
  const limits = terms.spendingLimits.flatMap((limit) => {
    const perCall = u256(limit.maxPerCall);
    const perWindow = u256(limit.maxPerWindow);
    return [limit.token, perCall.low, perCall.high, perWindow.low, perWindow.high, hex(limit.windowSeconds)];
  });
  return [
    hex(terms.sessionKey),
    hex(terms.validAfter),
    hex(terms.validUntil),
    hex(terms.maxCalls),
    hex(terms.methodsRoot),
    hex(terms.maxFeePerTx),
    hex(terms.feeBudget),
    hex(terms.maxTransactions),
    hex(terms.periodSeconds),
    hex(terms.spendingLimits.length),
    ...limits.map(hex),
    hex(terms.epoch),
    ...authorization.ownerSignature.map(hex),
  ].map((felt) => num.toHex(felt));
}

const VERSION = 1;

/**
 * Throws `INVALID_INPUT` unless `authorization` grants this session key until this
 * `validUntil` (and, when given, on this account and chain): the one check every path that
 * signs with an authorization makes before anything is signed.
 */
export function assertAuthorizationFor(
  authorization: SessionAuthorization,
  session: { sessionPublicKey: string; validUntil: bigint; accountAddress?: string; chainId?: string },
): void {
  const { terms } = authorization;
  if (BigInt(terms.sessionKey) !== BigInt(session.sessionPublicKey)) throw new SessionError("INVALID_INPUT", `the authorization is for session key ${terms.sessionKey}, not ${session.sessionPublicKey}`);
  if (BigInt(terms.validUntil) !== session.validUntil) throw new SessionError("INVALID_INPUT", `the authorization's validUntil is ${terms.validUntil}, not ${session.validUntil}`);
  if (session.accountAddress !== undefined && BigInt(authorization.accountAddress) !== BigInt(session.accountAddress)) {
    throw new SessionError("INVALID_INPUT", `the authorization is for account ${authorization.accountAddress}, not ${session.accountAddress}`);
  }
  if (session.chainId !== undefined && BigInt(authorization.chainId) !== BigInt(session.chainId)) throw new SessionError("INVALID_INPUT", `the authorization is for chain ${authorization.chainId}, not ${session.chainId}`);
}

/** The authorization as text (JSON with a version), to hand from the owner's wallet to the session's holder. */
export function serializeSessionAuthorization(authorization: SessionAuthorization): string {
  return JSON.stringify({ version: VERSION, ...authorization });
}

/**
 * Reads an authorization (text from `serializeSessionAuthorization`, or the object),
 * checking every field. It does not verify the owner's signature (the account does).
 */
export function parseSessionAuthorization(input: string | SessionAuthorization): SessionAuthorization {
  let value: unknown = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new SessionError("INVALID_INPUT", "the session authorization is not JSON", { cause: error });
    }
  }
  const object = value as Partial<SessionAuthorization> & { version?: unknown };
  if (typeof object !== "object" || object === null || (object.version !== undefined && object.version !== VERSION)) throw invalid("not a session authorization (version 1)");
  const { accountAddress, chainId, terms, ownerSignature } = object;
  if (typeof accountAddress !== "string" || typeof chainId !== "string" || typeof terms !== "object" || terms === null || !Array.isArray(ownerSignature)) {
    throw invalid("a session authorization has accountAddress, chainId, terms and ownerSignature");
  }
  if (!Array.isArray(terms.spendingLimits)) throw invalid("terms.spendingLimits must be an array");
  let account: string;
  try {
    account = parseAddress(accountAddress, "accountAddress");
  } catch (error) {
    throw invalid((error as Error).message);
  }
  return {
    accountAddress: account,
    chainId: hexFelt(chainId, "chainId"),
    terms: normalizeSessionTerms(terms),
    ownerSignature: ownerSignaturePair(ownerSignature as string[]),
  };
}

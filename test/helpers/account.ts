// Deploying SessionAccounts and acting on them in integration tests.
import { Account, CallData, type Call, constants, Contract, ec, num, type RpcProvider, Signer, type Signature, stark } from "starknet";
import { expect } from "vitest";
import { findReasonCode, type ReasonCode } from "../../sdk/reasons.ts";
import { SessionError } from "../../sdk/errors.ts";
import { SessionSigner, sessionMessageHash } from "../../sdk/signers/sessionSigner.ts";
import { deploySessionAccount as deployAccount } from "../../scripts/lib/deploy-account.ts";
import { toSelector } from "../../sdk/utils/entrypoints.ts";
import { builtContract, devnetProvider, fundedAccount, latestBlockTime, rpcProvider } from "./devnet.ts";


export interface DeployedSessionAccount {
  address: string;
  ownerPrivateKey: string;
  ownerPublicKey: string;
  /** starknet.js Account signing as the owner. */
  owner: Account;
}

export function randomKeyPair(): { privateKey: string; publicKey: string } {
  const privateKey = stark.randomAddress();
  return { privateKey, publicKey: ec.starkCurve.getStarkKey(privateKey) };
}

/** Deploys a SessionAccount through the UDC from a funded devnet account, and mints it STRK. */
export async function deploySessionAccount(options: { funderIndex?: number; fund?: bigint } = {}): Promise<DeployedSessionAccount> {
  const funder = await fundedAccount(options.funderIndex ?? 0);
  const { privateKey, publicKey } = randomKeyPair();
  const { address } = await deployAccount({ deployer: funder, ownerPublicKey: publicKey });
  await devnetProvider().mint(address, options.fund ?? 10n ** 21n, "FRI");
  return { address, ownerPrivateKey: privateKey, ownerPublicKey: publicKey, owner: new Account({ provider: rpcProvider(), address, signer: privateKey, cairoVersion: "1" }) };
}

export function sessionAccountContract(address: string, provider: RpcProvider = rpcProvider()): Contract {
  return new Contract({ abi: builtContract("SessionAccount").sierra.abi, address, providerOrAccount: provider });
}

export interface SessionParameters {
  publicKey: string;
  validUntil: number | bigint;
  maxCalls: number;
  /** Entrypoint names or selectors; empty = no whitelist. */
  entrypoints?: string[];
}

export function addSessionCall(accountAddress: string, session: SessionParameters): Call {
  return {
    contractAddress: accountAddress,
    entrypoint: "add_or_update_session_key",
    calldata: CallData.compile({
      session_key: session.publicKey,
      valid_until: session.validUntil,
      max_calls: session.maxCalls,
      allowed_entrypoints: (session.entrypoints ?? []).map(toSelector),
    }),
  };
}

/** Owner-signed registration of a session; waits for it and checks it succeeded. */
export async function registerSession(account: DeployedSessionAccount, session: SessionParameters): Promise<void> {
  await executeAndWait(account.owner, [addSessionCall(account.address, session)]);
}

export async function executeAndWait(account: Account, calls: Call[]): Promise<string> {
  const { transaction_hash } = await account.execute(calls);
  const receipt = await rpcProvider().waitForTransaction(transaction_hash);
  if (!receipt.isSuccess()) throw new Error(`transaction ${transaction_hash} did not succeed: ${JSON.stringify(receipt.value)}`);
  return transaction_hash;
}

/** Devnet's chain id (its default, SN_SEPOLIA). */
export const DEVNET_CHAIN_ID = constants.StarknetChainId.SN_SEPOLIA;

/**
 * A starknet.js Account on `address` that signs with a session key, under registration
 * `generation` (1 for a key registered once), sending with tip 0.
 */
export function sessionSignedAccount(address: string, privateKey: string, validUntil: number | bigint, generation: number | bigint = 1, ceilings: { maxFee?: bigint; maxTip?: bigint } = {}): Account {
  const signer = new SessionSigner({ privateKey, validUntil, generation, accountAddress: address, chainId: DEVNET_CHAIN_ID, ...ceilings });
  return new Account({ provider: rpcProvider(), address, signer, cairoVersion: "1", defaultTipType: "minTip" });
}

/** `[session_pubkey, r, s, valid_until]` as the account checks it: over `poseidon(msgHash, generation)`. */
export function sessionSignature(msgHash: string, privateKey: string, validUntil: number | bigint, generation: number | bigint = 1): string[] {
  return [ec.starkCurve.getStarkKey(privateKey), ...signHash(sessionMessageHash(msgHash, generation), privateKey), num.toHex(validUntil)];
}

/**
 * A signer that hands the transaction hash to `layout`, which returns any signature at
 * all: for attack tests that must put malformed or forged signatures on the wire.
 */
export class RawSigner extends Signer {
  constructor(private readonly layout: (msgHash: string) => string[]) {
    super(stark.randomAddress());
  }
  protected override async signRaw(msgHash: string): Promise<Signature> {
    return this.layout(msgHash);
  }
}

export function rawSignedAccount(address: string, layout: (msgHash: string) => string[]): Account {
  return new Account({ provider: rpcProvider(), address, signer: new RawSigner(layout), cairoVersion: "1" });
}

/** ECDSA (r, s) of `msgHash` by `privateKey`, as hex strings. */
export function signHash(msgHash: string, privateKey: string): [string, string] {
  const { r, s } = ec.starkCurve.sign(msgHash, privateKey);
  return [num.toHex(r), num.toHex(s)];
}

export interface SessionState {
  validUntil: bigint;
  maxCalls: bigint;
  callsUsed: bigint;
  entrypointsLength: bigint;
}

export async function sessionData(accountAddress: string, sessionKey: string): Promise<SessionState> {
  const data = (await sessionAccountContract(accountAddress).call("get_session_data", [sessionKey])) as Record<string, bigint>;
  return {
    validUntil: BigInt(data.valid_until ?? -1n),
    maxCalls: BigInt(data.max_calls ?? -1n),
    callsUsed: BigInt(data.calls_used ?? -1n),
    entrypointsLength: BigInt(data.allowed_entrypoints_len ?? -1n),
  };
}

export async function nonceOf(address: string): Promise<bigint> {
  return BigInt(await rpcProvider().getNonceForAddress(address));
}

/** Asserts that `action` is refused with the contract's reason code `reason`. */
export async function expectReason(action: Promise<unknown>, reason: ReasonCode): Promise<void> {
  let error: unknown;
  try {
    await action;
  } catch (caught) {
    error = caught;
  }
  expect(error, `expected a rejection with ${reason}, but it succeeded`).toBeDefined();
  const text = error instanceof Error ? `${error.message} ${JSON.stringify((error as { baseError?: unknown }).baseError ?? "")}` : String(error);
  expect(findReasonCode(text), `reason in: ${text}`).toBe(reason);
}

/**
 * Resource bounds well above the current prices, so a transaction can be sent without
 * fee estimation: estimation runs `__execute__`, and a test that wants a transaction
 * reverted *on chain* (not refused before sending) must skip it.
 */
export async function generousResourceBounds() {
  const block = await rpcProvider().getBlockWithTxHashes("latest");
  const price = (p: { price_in_fri: string }) => BigInt(p.price_in_fri) * 2n + 1n;
  return {
    l1_gas: { max_amount: 10_000n, max_price_per_unit: price(block.l1_gas_price) },
    l2_gas: { max_amount: 100_000_000n, max_price_per_unit: price(block.l2_gas_price) },
    l1_data_gas: { max_amount: 10_000n, max_price_per_unit: price(block.l1_data_gas_price) },
  };
}

/** Sends `calls` with fixed resource bounds (no estimation) and returns the receipt. */
export async function executeWithoutEstimate(account: Account, calls: Call[]) {
  const { transaction_hash } = await account.execute(calls, { resourceBounds: await generousResourceBounds(), tip: 0n });
  return rpcProvider().waitForTransaction(transaction_hash);
}

/** The `SessionError` code an action ends in ("no error" if it succeeds; never throws). */
export async function codeOf(action: Promise<unknown>): Promise<string> {
  try {
    await action;
  } catch (error) {
    return error instanceof SessionError ? error.code : `not a SessionError: ${String(error)}`;
  }
  return "no error";
}

/** An outside execution's options: any caller, open from 5 minutes ago to `seconds` from now (chain time). */
export async function outsideWindow(seconds = 1_200) {
  const now = await latestBlockTime();
  return { caller: "ANY_CALLER", execute_after: now - 300, execute_before: now + seconds };
}

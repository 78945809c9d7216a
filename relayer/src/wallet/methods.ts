// The session wallet API (the shape of Alchemy's, on Starknet, self-hosted): create a
// session (what the owner signs once, off-chain), prepare calls (what the session key
// signs: one outside execution), send the prepared calls (relayed through this relayer's
// paymaster), and EIP-5792's status and capabilities. Served beside SNIP-29 on the same
// endpoint; the permissions become the policies a leaked key cannot escape.
import { randomBytes } from "node:crypto";
import { hash, num, shortString } from "starknet";
import { authorizeSession } from "../../../sdk/actions/authorizeSession.ts";
import { getSessionData } from "../../../sdk/actions/getSessionData.ts";
import { ownerSignaturePair, type SessionAuthorization } from "../../../sdk/authorization/sessionAuthorization.ts";
import { SessionError } from "../../../sdk/errors.ts";
import { encodeCallProofs, methodPolicyFromJSON } from "../../../sdk/policies/methods.ts";
import { sessionSignatureLayout } from "../../../sdk/signers/signatureLayout.ts";
import { sessionMessageHash } from "../../../sdk/signers/sessionSigner.ts";
import { STRK_TOKEN_ADDRESS } from "../../../sdk/utils/fees.ts";
import type { RelayerContext } from "../context.ts";
import { chainNow } from "../context.ts";
import { checkUserAccount } from "../paymaster/accountSupport.ts";
import { identifyClient, requireSponsor } from "../paymaster/access.ts";
import { buildOutsideExecution } from "../paymaster/build.ts";
import { relayExecution } from "../paymaster/execute.ts";
import { address, calls as readCalls, type ContractCall, felt, felts, type FeeMode, MAX_SIGNATURE, object } from "../paymaster/params.ts";
import { isOutsideExecutionShape, messageHashOf } from "../paymaster/outsideExecution.ts";
import type { ApiKeyPolicy } from "../sponsor/apiKeys.ts";
import { invalidParams, JsonRpcError } from "../rpc/errors.ts";
import type { MethodTable, RequestContext } from "../rpc/jsonRpc.ts";
import { PERMISSION_TYPES, readPermissions } from "./permissions.ts";
import { findSession, insertSession, recordOwnerSignature, sessionsOf, type WalletSession } from "./sessions.ts";

/** What wallet_prepareCalls returns and wallet_sendPreparedCalls takes back: a SNIP-9 V2 outside execution. */
export const PREPARED_TYPE = "starknet_outside_execution_v2";
const MAX_SESSION_SECONDS = 30 * 86_400;
/** max_calls of a session created without `maxCalls`. */
const DEFAULT_MAX_CALLS = 1_000;

// EIP-1193 / EIP-5792 error codes.
const UNAUTHORIZED = 4100;
const UNSUPPORTED_CHAIN = 5710;
const UNKNOWN_BUNDLE = 5730;

/** Positional `[object]` (EIP-5792 style) or a named object: the same request. */
function single(params: unknown, method: string): Record<string, unknown> {
  return object(Array.isArray(params) ? params[0] : params, `${method} params`);
}

function checkChain(context: RelayerContext, value: unknown): string {
  const chainId = felt(value, "chainId");
  if (BigInt(chainId) !== BigInt(context.chainId)) throw new JsonRpcError(UNSUPPORTED_CHAIN, "Unsupported chain id", `this relayer serves chain ${context.chainId}`);
  return num.toHex(context.chainId);
}

function fromSessionError(error: unknown): never {
  if (error instanceof SessionError) throw invalidParams(`${error.code}: ${error.message}`);
  throw error;
}

function ownerPair(value: unknown, field: string): [string, string] {
  try {
    return ownerSignaturePair(felts(value, field, 2));
  } catch (error) {
    return fromSessionError(error);
  }
}

/** What an account's is_valid_signature answers for a valid signature (SRC-6). */
const VALID = shortString.encodeShortString("VALID");

/** The owner's signature of the session, checked by the account itself (is_valid_signature is owner-only). */
async function assertOwnerSigned(context: RelayerContext, session: WalletSession, signature: [string, string]): Promise<void> {
  const [answer] = await context.provider
    .callContract({ contractAddress: session.accountAddress, entrypoint: "is_valid_signature", calldata: [session.messageHash, "0x2", ...signature] }, "pre_confirmed")
    .catch(() => ["0x0"]);
  if (BigInt(answer ?? 0) !== BigInt(VALID)) throw new JsonRpcError(UNAUTHORIZED, "Unauthorized", "the signature is not the account owner's over this session's typed data");
}

async function ownSession(context: RelayerContext, sessionId: unknown, accountAddress: string): Promise<WalletSession> {
  const session = await findSession(context.db, felt(sessionId, "sessionId"));
  if (!session || BigInt(session.accountAddress) !== BigInt(accountAddress)) throw invalidParams(`no session ${String(sessionId)} for account ${accountAddress}`);
  return session;
}

function authorizationOf(session: WalletSession): SessionAuthorization {
  if (!session.ownerSignature) throw new JsonRpcError(UNAUTHORIZED, "Unauthorized", "the owner has not signed this session yet: pass permissions.signature");
  return { accountAddress: session.accountAddress, chainId: session.chainId, terms: session.terms, ownerSignature: session.ownerSignature };
}

/**
 * The key's registration number on the account; 0 while the account has not recorded it,
 * when the owner's authorization leads the signature.
 */
async function generationOf(context: RelayerContext, session: WalletSession): Promise<bigint> {
  const [generation] = await context.provider.callContract({ contractAddress: session.accountAddress, entrypoint: "get_session_generation", calldata: [session.publicKey] }, "pre_confirmed");
  return BigInt(generation ?? 0);
}

async function createSession(context: RelayerContext, params: unknown, request: RequestContext) {
  // A key, when given, owns the session; none is needed to create one. Counted first.
  const apiKey = await identifyClient(context, request);
  const input = single(params, "wallet_createSession");
  const accountAddress = address(input.account, "account");
  const chainId = checkChain(context, input.chainId);
  const key = object(input.key, "key");
  if (key.type !== "stark") throw invalidParams('key.type must be "stark": sessions are signed with Stark keys');
  const publicKey = felt(key.publicKey, "key.publicKey");
  const expirySec = input.expirySec;
  const now = await chainNow(context);
  if (typeof expirySec !== "number" || !Number.isSafeInteger(expirySec) || expirySec <= now || expirySec > now + MAX_SESSION_SECONDS) {
    throw invalidParams(`expirySec must be unix seconds in the next 30 days (chain time ${now})`);
  }
  const maxCalls = input.maxCalls ?? DEFAULT_MAX_CALLS;
  if (typeof maxCalls !== "number" || !Number.isInteger(maxCalls) || maxCalls <= 0 || maxCalls >= 2 ** 32) throw invalidParams("maxCalls must be an integer from 1 to 2^32 - 1");
  await checkUserAccount(context, accountAddress);
  const permissions = await readPermissions(context.provider, input.permissions, expirySec - now);
  const authorized = await authorizeSession({
    provider: context.provider,
    accountAddress,
    sessionPublicKey: publicKey,
    validUntil: expirySec,
    maxCalls,
    policy: { ...(permissions.methods ? { methods: permissions.methods } : {}), ...(permissions.feeBudget !== undefined ? { feeBudget: permissions.feeBudget } : {}) },
    spendingLimits: permissions.spendingLimits,
    allowAnyEntrypoint: permissions.methods === undefined,
  }).catch(fromSessionError);
  const sessionId = num.toHex(`0x${randomBytes(16).toString("hex")}`);
  await insertSession(context.db, { sessionId, accountAddress, chainId, terms: authorized.terms, methodPolicy: authorized.methodPolicy?.serialize(), apiKeyId: apiKey?.id });
  return { sessionId, signatureRequest: { type: "starknet_signTypedData", data: authorized.typedData, rawPayload: authorized.messageHash } };
}

/** The fee mode a request's capabilities ask for: a sponsor's policy (its API key id), else the account pays in STRK. */
function feeModeOf(capabilities: Record<string, unknown>): { feeMode: FeeMode; policyId: string | undefined } {
  if (capabilities.paymasterService === undefined) return { feeMode: { mode: "default", gasToken: STRK_TOKEN_ADDRESS }, policyId: undefined };
  const service = object(capabilities.paymasterService, "capabilities.paymasterService");
  if (typeof service.policyId !== "string" || !/^key_[0-9a-f]{16}$/.test(service.policyId)) throw invalidParams("capabilities.paymasterService.policyId must name the sponsor's API key (key_…)");
  return { feeMode: { mode: "sponsored" }, policyId: service.policyId };
}

async function prepare(context: RelayerContext, key: ApiKeyPolicy | undefined, { from, calls, capabilities, sessionId }: { from: string; calls: ContractCall[]; capabilities: Record<string, unknown>; sessionId: string | undefined }) {
  const { feeMode, policyId } = feeModeOf(capabilities);
  if (policyId !== undefined && key?.id !== policyId) throw invalidParams("capabilities.paymasterService.policyId is not the API key this request carries");
  const built = await buildOutsideExecution(context, { userAddress: from, calls, feeMode, timeBounds: undefined, key, ...(sessionId ? { sessionId } : {}) });
  return built;
}

async function prepareCalls(context: RelayerContext, params: unknown, request: RequestContext) {
  const key = await identifyClient(context, request);
  const input = single(params, "wallet_prepareCalls");
  const from = address(input.from, "from");
  const chainId = checkChain(context, input.chainId);
  const calls = readCalls(input.calls, "calls");
  const capabilities = input.capabilities === undefined ? {} : object(input.capabilities, "capabilities");
  if (capabilities.permissions === undefined) {
    // Signed by the owner (e.g. a revocation): the outside execution's own hash.
    const built = await prepare(context, key, { from, calls, capabilities, sessionId: undefined });
    return { type: PREPARED_TYPE, data: { from, typedData: built.typedData }, chainId, signatureRequest: { type: "starknet_signTypedData", data: built.typedData, rawPayload: built.messageHash } };
  }
  const permissions = object(capabilities.permissions, "capabilities.permissions");
  const session = await ownSession(context, permissions.sessionId, from);
  if (permissions.signature !== undefined) {
    const signature = ownerPair(permissions.signature, "capabilities.permissions.signature");
    if (!session.ownerSignature || session.ownerSignature.some((part, index) => BigInt(part) !== BigInt(signature[index] as string))) {
      await assertOwnerSigned(context, session, signature);
      await recordOwnerSignature(context.db, session.sessionId, signature);
      session.ownerSignature = signature;
    }
  }
  const generation = await generationOf(context, session);
  if (generation === 0n) authorizationOf(session);
  const built = await prepare(context, key, { from, calls, capabilities, sessionId: session.sessionId });
  // The account checks a session's signature over poseidon(hash, generation); an
  // authorization registers its key with generation 1.
  return { type: PREPARED_TYPE, data: { from, typedData: built.typedData }, chainId, signatureRequest: { rawPayload: sessionMessageHash(built.messageHash, generation === 0n ? 1n : generation) } };
}

async function sendPreparedCalls(context: RelayerContext, params: unknown, request: RequestContext) {
  const key = await identifyClient(context, request);
  const input = single(params, "wallet_sendPreparedCalls");
  if (input.type !== PREPARED_TYPE) throw invalidParams(`type must be "${PREPARED_TYPE}" (what wallet_prepareCalls returned)`);
  checkChain(context, input.chainId);
  const data = object(input.data, "data");
  const from = address(data.from, "data.from");
  const typedData = data.typedData;
  if (!isOutsideExecutionShape(typedData, context.chainId)) throw invalidParams("data.typedData is not the outside execution wallet_prepareCalls returned");
  let messageHash: string;
  try {
    messageHash = messageHashOf(typedData, from);
  } catch (error) {
    throw invalidParams(`data.typedData cannot be hashed: ${(error as Error).message}`);
  }
  const signature = felts(input.signature, "signature", MAX_SIGNATURE);
  const capabilities = input.capabilities === undefined ? {} : object(input.capabilities, "capabilities");
  const { rows } = await context.db.query<{ fee_mode: "sponsored" | "default"; gas_token: string | null; session_id: string | null }>("SELECT fee_mode, gas_token, session_id FROM builds WHERE user_address = $1 AND message_hash = $2", [from, messageHash]);
  const build = rows[0];
  if (!build) throw invalidParams("these calls were not prepared here (wallet_prepareCalls), or data was altered");
  requireSponsor(key, build.fee_mode === "sponsored" ? { mode: "sponsored" } : { mode: "default", gasToken: build.gas_token ?? STRK_TOKEN_ADDRESS });
  let fullSignature = signature;
  if (capabilities.permissions !== undefined) {
    const permissions = object(capabilities.permissions, "capabilities.permissions");
    const session = await ownSession(context, permissions.sessionId, from);
    if (build.session_id !== session.sessionId) throw invalidParams("these calls were not prepared for this session");
    if (signature.length !== 2) throw invalidParams("signature must be the session key's [r, s] of signatureRequest.rawPayload");
    const calls = ((typedData.message as { Calls?: { To: string; Selector: string; Calldata: string[] }[] }).Calls ?? []).map((call) => ({ contractAddress: call.To, selector: call.Selector, calldata: call.Calldata }));
    // Every wallet session is a policy session: each call carries its Merkle proof.
    let proofs = ["0x0"];
    if (session.methodPolicy) {
      try {
        const policy = methodPolicyFromJSON(session.methodPolicy);
        proofs = encodeCallProofs(calls.map((call) => policy.proofForCall(call)));
      } catch (error) {
        fromSessionError(error);
      }
    }
    const recorded = (await generationOf(context, session)) !== 0n;
    try {
      fullSignature = sessionSignatureLayout({
        sessionPublicKey: session.publicKey,
        r: signature[0] as string,
        s: signature[1] as string,
        validUntil: session.validUntil,
        proofs,
        ...(recorded ? {} : { authorization: authorizationOf(session) }),
      });
    } catch (error) {
      fromSessionError(error);
    }
  }
  const { tracking_id } = await relayExecution(context, { userAddress: from, messageHash, signature: fullSignature, key });
  return { id: tracking_id };
}

/** EIP-5792 status codes: 100 pending, 200 included, 400 never included, 500 reverted. */
const STATUS: Record<string, { code: number; state: string }> = {
  queued: { code: 100, state: "pending" },
  submitted: { code: 100, state: "pending" },
  accepted: { code: 200, state: "included" },
  reverted: { code: 500, state: "reverted" },
  dropped: { code: 400, state: "dropped" },
  failed: { code: 400, state: "failed" },
};

async function getCallsStatus(context: RelayerContext, params: unknown) {
  const id = felt(Array.isArray(params) ? params[0] : object(params, "params").id, "id");
  const { rows } = await context.db.query<{ status: string; reason: string | null; hash: string | null }>(
    `SELECT r.status, r.reason, (SELECT hash FROM transactions t WHERE t.tracking_id = r.tracking_id AND t.status IN ('accepted', 'reverted', 'sent', 'sending') ORDER BY created_at DESC LIMIT 1) AS hash
       FROM requests r WHERE r.tracking_id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new JsonRpcError(UNKNOWN_BUNDLE, "Unknown bundle id", id);
  const status = STATUS[row.status] ?? { code: 100, state: "pending" };
  const included = row.status === "accepted" || row.status === "reverted";
  return {
    version: "2.0.0",
    id,
    chainId: num.toHex(context.chainId),
    atomic: true,
    status: status.code,
    state: status.state,
    ...(row.hash ? { transactionHash: row.hash } : {}),
    ...(included && row.hash ? { receipts: [{ transactionHash: row.hash, status: row.status === "accepted" ? "0x1" : "0x0" }] } : {}),
    ...(row.reason ? { reason: row.reason } : {}),
  };
}

async function getCapabilities(context: RelayerContext) {
  return {
    [num.toHex(context.chainId)]: {
      atomic: { status: "supported" },
      paymasterService: { supported: true },
      permissions: { supported: true, keyTypes: ["stark"], permissionTypes: PERMISSION_TYPES },
    },
  };
}

/** Each listed session costs a few node calls: a page is at most this long. */
const MAX_LISTED = 20;

async function listSessions(context: RelayerContext, params: unknown, request: RequestContext) {
  await identifyClient(context, request);
  const input = single(params, "wallet_listSessions");
  const accountAddress = address(input.account, "account");
  const offset = input.offset ?? 0;
  if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) throw invalidParams("offset must be an integer >= 0");
  const sessions = await sessionsOf(context.db, accountAddress, offset, MAX_LISTED);
  return Promise.all(
    sessions.map(async (session) => {
      const data = await getSessionData({
        provider: context.provider,
        accountAddress,
        sessionPublicKey: session.publicKey,
        ...(session.ownerSignature ? { authorization: authorizationOf(session) } : {}),
      });
      return {
        sessionId: session.sessionId,
        publicKey: session.publicKey,
        expirySec: session.validUntil,
        // "created": the owner has not signed it yet (the relayer has seen no signature).
        status: !session.ownerSignature && data.status === "not_registered" ? "created" : data.status,
        remainingCalls: data.remainingCalls,
        firstUsed: data.offChain?.firstUsed ?? false,
      };
    }),
  );
}

/** Revocation is the owner's transaction: returns it prepared, for the owner to sign and send with wallet_sendPreparedCalls. */
async function revokeSession(context: RelayerContext, params: unknown, request: RequestContext) {
  const key = await identifyClient(context, request);
  const input = single(params, "wallet_revokeSession");
  const accountAddress = address(input.account, "account");
  const chainId = checkChain(context, input.chainId);
  const session = await ownSession(context, input.sessionId, accountAddress);
  const capabilities = input.capabilities === undefined ? {} : object(input.capabilities, "capabilities");
  const calls = [{ to: accountAddress, selector: hash.getSelectorFromName("revoke_session_key"), calldata: [session.publicKey] }];
  const built = await prepare(context, key, { from: accountAddress, calls, capabilities, sessionId: undefined });
  return { type: PREPARED_TYPE, data: { from: accountAddress, typedData: built.typedData }, chainId, signatureRequest: { type: "starknet_signTypedData", data: built.typedData, rawPayload: built.messageHash } };
}

export function walletMethods(context: RelayerContext): MethodTable {
  return {
    wallet_createSession: (params, request) => createSession(context, params, request),
    wallet_prepareCalls: (params, request) => prepareCalls(context, params, request),
    wallet_sendPreparedCalls: (params, request) => sendPreparedCalls(context, params, request),
    wallet_getCallsStatus: (params) => getCallsStatus(context, params),
    wallet_getCapabilities: () => getCapabilities(context),
    wallet_listSessions: (params, request) => listSessions(context, params, request),
    wallet_revokeSession: (params, request) => revokeSession(context, params, request),
  };
}

// A small client of the session wallet API (`npm run relayer` serves it beside SNIP-29):
// plain fetch + JSON-RPC, so it runs in Node 22 and browsers. `sendCalls` is the usual
// round: prepare the calls, check what the relayer returned, sign its one hash with the
// session key, send them. The relayer is never trusted with what a key signs: the client
// recomputes every hash it signs from typed data it has checked.
import { ec, num, OutsideExecutionTypesV2, type ProviderInterface, type Signature, type TypedData, typedData as typedDataUtils } from "starknet";
import { ownerSignaturePair, SESSION_AUTHORIZATION_DOMAIN, SESSION_AUTHORIZATION_TYPES } from "../authorization/sessionAuthorization.ts";
import { SessionError } from "../errors.ts";
import { sessionMessageHash } from "../signers/sessionSigner.ts";
import { sameContractCalls } from "../utils/calls.ts";
import { toSelector } from "../utils/entrypoints.ts";
import { DEFAULT_MAX_FEE, STRK_TOKEN_ADDRESS } from "../utils/fees.ts";

export interface WalletClientParameters {
  /** The relayer's JSON-RPC endpoint, e.g. `http://127.0.0.1:8787`. */
  url: string;
  /** Reads the session's registration number from the account, to recompute what the session key signs. */
  provider: ProviderInterface;
  /** The sponsor's API key (`x-paymaster-api-key`), for sponsored calls. */
  apiKey?: string;
  fetch?: typeof fetch;
}

export interface WalletCall {
  to: string;
  /** An entrypoint name, or `selector` (hex). */
  entrypoint?: string;
  selector?: string;
  calldata?: string[];
}

export interface WalletPermission {
  type: "root" | "native-token-transfer" | "erc20-token-transfer" | "gas-limit" | "contract-access" | "functions-on-contract" | "functions-on-all-contracts" | "account-functions";
  data?: Record<string, unknown>;
}

export interface CreateSessionRequest {
  account: string;
  chainId: string;
  /** Unix seconds. */
  expirySec: number;
  key: { publicKey: string; type: "stark" };
  permissions: WalletPermission[];
  maxCalls?: number;
}

export interface SignatureRequest {
  type?: "starknet_signTypedData";
  data?: TypedData;
  /** The hash to sign. */
  rawPayload: string;
}

export interface PreparedCalls {
  type: string;
  data: { from: string; typedData: TypedData };
  chainId: string;
  signatureRequest: SignatureRequest;
}

export interface CallsStatus {
  id: string;
  chainId: string;
  atomic: true;
  /** EIP-5792: 100 pending, 200 included, 400 not included, 500 reverted. */
  status: number;
  state: "pending" | "included" | "reverted" | "dropped" | "failed";
  transactionHash?: string;
  receipts?: { transactionHash: string; status: "0x1" | "0x0" }[];
  reason?: string;
}

export interface SendCallsParameters {
  from: string;
  chainId: string;
  calls: WalletCall[];
  sessionId: string;
  /** Signs the prepared hash; never sent. */
  sessionPrivateKey: string;
  /** The owner's signature of the session (from `createSession`), needed until the session's first call is included. */
  ownerSignature?: Signature;
  /** The sponsor's policy (its API key id, `key_…`); without it the account pays in STRK. */
  policyId?: string;
  /** Without a sponsor: the most the appended STRK fee transfer may move, in FRI (default 1 STRK). */
  maxFee?: bigint;
}

type MessageCall = { To: string; Selector: string; Calldata: string[] };

/**
 * The prepared calls must be SNIP-9 V2's outside execution, on this chain, of exactly the
 * calls asked for, plus (when the account pays) one STRK transfer of at most `maxFee`.
 */
function assertPreparedCalls(prepared: PreparedCalls, { from, chainId, calls, policyId, maxFee = DEFAULT_MAX_FEE }: SendCallsParameters): void {
  const data = prepared.data?.typedData;
  const refuse = (why: string) => new SessionError("OUTSIDE_EXECUTION_MISMATCH", `the relayer's prepared calls ${why}: nothing was signed`);
  if (!data || BigInt(prepared.data.from) !== BigInt(from)) throw refuse("are for another account");
  if (data.primaryType !== "OutsideExecution" || JSON.stringify(data.types) !== JSON.stringify(OutsideExecutionTypesV2)) throw refuse("are not a SNIP-9 V2 outside execution");
  if (BigInt(String(data.domain.chainId)) !== BigInt(chainId) || data.domain.name !== "Account.execute_from_outside") throw refuse("are for another chain or domain");
  const signed = ((data.message as { Calls?: MessageCall[] }).Calls ?? []).map((call) => ({ to: call.To, selector: call.Selector, calldata: call.Calldata }));
  const asked = calls.map((call) => ({ to: call.to, selector: toSelector(call.selector ?? call.entrypoint ?? ""), calldata: call.calldata ?? [] }));
  if (!sameContractCalls(signed.slice(0, asked.length), asked)) throw refuse("are not the calls asked for");
  const extra = signed.slice(asked.length);
  if (policyId !== undefined && extra.length === 0) return;
  const [fee] = extra;
  const amount = fee && fee.calldata.length === 3 ? BigInt(fee.calldata[1] as string) + (BigInt(fee.calldata[2] as string) << 128n) : undefined;
  if (policyId !== undefined || extra.length !== 1 || !fee || BigInt(fee.to) !== BigInt(STRK_TOKEN_ADDRESS) || BigInt(fee.selector) !== BigInt(toSelector("transfer")) || amount === undefined) {
    throw refuse("carry calls that were not asked for");
  }
  if (amount > maxFee) throw new SessionError("FEE_LIMIT_EXCEEDED", `the relayer asks a fee of ${amount} FRI, above the ceiling of ${maxFee}: nothing was signed`);
}

export function createWalletClient({ url, provider, apiKey, fetch: fetchImpl = globalThis.fetch }: WalletClientParameters) {
  let nextId = 0;
  async function request<T>(method: string, params: unknown): Promise<T> {
    nextId += 1;
    let body: { result?: T; error?: { code: number; message: string; data?: unknown } };
    try {
      const response = await fetchImpl(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(apiKey ? { "x-paymaster-api-key": apiKey } : {}) },
        body: JSON.stringify({ jsonrpc: "2.0", id: nextId, method, params }),
      });
      body = (await response.json()) as typeof body;
    } catch (error) {
      throw new SessionError("WALLET_API_REJECTED", `the wallet API at ${new URL(url).origin} could not be reached: ${(error as Error).message}`, { cause: error });
    }
    if (body.error) {
      const { code, message, data } = body.error;
      const reason = (data as { reason?: string } | undefined)?.reason;
      throw new SessionError("WALLET_API_REJECTED", `${method} refused: ${code} ${message}${typeof data === "string" ? ` (${data})` : ""}`, { details: JSON.stringify({ code, data }), ...(reason ? { reason: reason as never } : {}) });
    }
    return body.result as T;
  }

  const client = {
    getCapabilities: (account?: string) => request<Record<string, unknown>>("wallet_getCapabilities", account ? [account] : []),
    /**
     * Returns what the owner signs once: `signatureRequest.data` (typed data), or its hash
     * `rawPayload`. Checked first to be a Session of the key asked for, until `expirySec`,
     * hashed for this account; the owner's wallet shows the terms it grants.
     */
    async createSession(parameters: CreateSessionRequest) {
      const created = await request<{ sessionId: string; signatureRequest: Required<SignatureRequest> }>("wallet_createSession", [parameters]);
      const { data, rawPayload } = created.signatureRequest;
      const message = data?.message as { Key?: string; "Valid Until"?: number | string } | undefined;
      if (
        data?.primaryType !== "Session" ||
        JSON.stringify(data.types) !== JSON.stringify(SESSION_AUTHORIZATION_TYPES) ||
        data.domain.name !== SESSION_AUTHORIZATION_DOMAIN.name ||
        BigInt(message?.Key ?? 0) !== BigInt(parameters.key.publicKey) ||
        BigInt(message?.["Valid Until"] ?? 0) !== BigInt(parameters.expirySec) ||
        BigInt(String(data.domain.chainId)) !== BigInt(parameters.chainId) ||
        BigInt(rawPayload) !== BigInt(typedDataUtils.getMessageHash(data, parameters.account))
      ) {
        throw new SessionError("OUTSIDE_EXECUTION_MISMATCH", "the relayer's session is not the one asked for (key, expiry, chain or hash): do not sign it");
      }
      return created;
    },
    prepareCalls: (parameters: { calls: WalletCall[]; from: string; chainId: string; capabilities?: Record<string, unknown> }) => request<PreparedCalls>("wallet_prepareCalls", [parameters]),
    sendPreparedCalls: (parameters: { type: string; data: PreparedCalls["data"]; chainId: string; capabilities?: Record<string, unknown>; signature: string[] }) => request<{ id: string }>("wallet_sendPreparedCalls", [parameters]),
    getCallsStatus: (id: string) => request<CallsStatus>("wallet_getCallsStatus", [id]),
    listSessions: (account: string) => request<{ sessionId: string; publicKey: string; expirySec: number; status: string; remainingCalls: number; firstUsed: boolean }[]>("wallet_listSessions", [{ account }]),
    /** The owner's revocation, prepared: the owner signs `signatureRequest.rawPayload` and sends it with `sendPreparedCalls`. */
    revokeSession: (parameters: { account: string; chainId: string; sessionId: string; capabilities?: Record<string, unknown> }) => request<PreparedCalls>("wallet_revokeSession", [parameters]),

    /** Waits until the calls are included, reverted or given up (EIP-5792 status other than 100). */
    async waitForCallsStatus(id: string, { timeoutMs = 60_000, pollMs = 500 } = {}): Promise<CallsStatus> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const status = await client.getCallsStatus(id);
        if (status.status !== 100) return status;
        if (Date.now() > deadline) throw new SessionError("WALLET_API_REJECTED", `calls ${id} still pending after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },

    /** Prepares the calls for the session, signs the prepared hash with the session key, and sends them. */
    async sendCalls(parameters: SendCallsParameters): Promise<{ id: string }> {
      const { from, chainId, calls, sessionId, sessionPrivateKey, ownerSignature, policyId } = parameters;
      const permissions = { sessionId, ...(ownerSignature ? { signature: ownerSignaturePair(ownerSignature) } : {}) };
      const prepared = await client.prepareCalls({ calls, from, chainId, capabilities: { permissions, ...(policyId ? { paymasterService: { policyId } } : {}) } });
      assertPreparedCalls(prepared, parameters);
      // The session signs poseidon(hash, generation); a first use registers generation 1.
      const [generation] = await provider.callContract({ contractAddress: from, entrypoint: "get_session_generation", calldata: [ec.starkCurve.getStarkKey(sessionPrivateKey)] }, "pre_confirmed");
      const payload = sessionMessageHash(typedDataUtils.getMessageHash(prepared.data.typedData, from), BigInt(generation ?? 0) === 0n ? 1n : BigInt(generation ?? 0));
      if (BigInt(prepared.signatureRequest.rawPayload) !== BigInt(payload)) throw new SessionError("OUTSIDE_EXECUTION_MISMATCH", "the relayer asks the session key to sign another hash than its prepared calls': nothing was signed");
      const { r, s } = ec.starkCurve.sign(payload, sessionPrivateKey);
      return client.sendPreparedCalls({ type: prepared.type, data: prepared.data, chainId, capabilities: { permissions: { sessionId } }, signature: [num.toHex(r), num.toHex(s)] });
    },
  };
  return client;
}

export type WalletClient = ReturnType<typeof createWalletClient>;

// A small client of the session wallet API (`npm run relayer` serves it beside SNIP-29):
// plain fetch + JSON-RPC, so it runs in Node 22 and browsers. `sendCalls` is the usual
// round: prepare the calls, sign the one hash the relayer returns with the session key,
// send them.
import { ec, num, type Signature, type TypedData } from "starknet";
import { SessionError } from "../errors.ts";

export interface WalletClientParameters {
  /** The relayer's JSON-RPC endpoint, e.g. `http://127.0.0.1:8787`. */
  url: string;
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
}

function pair(signature: Signature): [string, string] {
  if (Array.isArray(signature)) {
    if (signature.length !== 2) throw new SessionError("INVALID_INPUT", "the owner's signature must be [r, s]");
    return [num.toHex(signature[0] as string), num.toHex(signature[1] as string)];
  }
  const { r, s } = signature as { r: bigint; s: bigint };
  return [num.toHex(r), num.toHex(s)];
}

export function createWalletClient({ url, apiKey, fetch: fetchImpl = globalThis.fetch }: WalletClientParameters) {
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
    /** Returns what the owner signs once: `signatureRequest.data` (typed data), or its hash `rawPayload`. */
    createSession: (parameters: CreateSessionRequest) => request<{ sessionId: string; signatureRequest: Required<SignatureRequest> }>("wallet_createSession", [parameters]),
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
    async sendCalls({ from, chainId, calls, sessionId, sessionPrivateKey, ownerSignature, policyId }: SendCallsParameters): Promise<{ id: string }> {
      const permissions = { sessionId, ...(ownerSignature ? { signature: pair(ownerSignature) } : {}) };
      const prepared = await client.prepareCalls({ calls, from, chainId, capabilities: { permissions, ...(policyId ? { paymasterService: { policyId } } : {}) } });
      const { r, s } = ec.starkCurve.sign(prepared.signatureRequest.rawPayload, sessionPrivateKey);
      return client.sendPreparedCalls({ type: prepared.type, data: prepared.data, chainId, capabilities: { permissions: { sessionId } }, signature: [num.toHex(r), num.toHex(s)] });
    },
  };
  return client;
}

export type WalletClient = ReturnType<typeof createWalletClient>;

// A JSON-RPC 2.0 endpoint: one method table, single and batch requests, and errors that
// never leak internals (an unexpected exception is logged and answered as UNKNOWN_ERROR).
import type { FastifyBaseLogger } from "fastify";
import { INVALID_REQUEST, JsonRpcError, METHOD_NOT_FOUND, paymasterError, PARSE_ERROR } from "./errors.ts";

export interface RequestContext {
  /** The `x-paymaster-api-key` header, if any. */
  apiKey: string | undefined;
  clientAddress: string;
  log: FastifyBaseLogger;
}

export type Method = (params: unknown, context: RequestContext) => Promise<unknown>;
export type MethodTable = Record<string, Method>;

type Id = string | number | null;
interface Success {
  jsonrpc: "2.0";
  id: Id;
  result: unknown;
}
interface Failure {
  jsonrpc: "2.0";
  id: Id;
  error: { code: number; message: string; data?: unknown };
}
export type JsonRpcResponse = Success | Failure;

/** Batches above this size are refused whole: one HTTP request must not fan out unbounded work. */
export const MAX_BATCH = 20;

function failure(id: Id, error: JsonRpcError): Failure {
  return { jsonrpc: "2.0", id, error: { code: error.code, message: error.message, ...(error.data === undefined ? {} : { data: error.data }) } };
}

function validId(id: unknown): id is Id {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

async function handleOne(methods: MethodTable, request: unknown, context: RequestContext): Promise<{ response: JsonRpcResponse | undefined; httpStatus: number }> {
  const message = request as { jsonrpc?: unknown; method?: unknown; params?: unknown; id?: unknown };
  const id = message && typeof message === "object" && validId(message.id) ? message.id : null;
  const isNotification = message && typeof message === "object" && !("id" in message);
  if (!message || typeof message !== "object" || message.jsonrpc !== "2.0" || typeof message.method !== "string" || !validId(message.id ?? null)) {
    return { response: failure(id, new JsonRpcError(INVALID_REQUEST, "Invalid Request")), httpStatus: 200 };
  }
  // JSON-RPC 2.0 never answers a notification, not even with an error: its sender asked for no reply.
  const answer = (response: JsonRpcResponse, httpStatus = 200) => (isNotification ? { response: undefined, httpStatus: 200 } : { response, httpStatus });
  const method = Object.hasOwn(methods, message.method) ? methods[message.method] : undefined;
  if (!method) return answer(failure(id, new JsonRpcError(METHOD_NOT_FOUND, "Method not found", message.method)));
  try {
    const result = await method(message.params, context);
    return answer({ jsonrpc: "2.0", id, result });
  } catch (error) {
    if (error instanceof JsonRpcError) {
      context.log.info({ method: message.method, code: error.code, data: error.data }, "request refused");
      return answer(failure(id, error), error.httpStatus);
    }
    context.log.error({ method: message.method, err: error }, "request failed unexpectedly");
    return answer(failure(id, paymasterError("UNKNOWN_ERROR", "internal error; see the relayer's logs")));
  }
}

/** Answers a parsed HTTP body; `undefined` body means it was not valid JSON. */
export async function handleJsonRpc(methods: MethodTable, body: unknown, context: RequestContext): Promise<{ payload: JsonRpcResponse | JsonRpcResponse[] | undefined; httpStatus: number }> {
  if (body === undefined) return { payload: failure(null, new JsonRpcError(PARSE_ERROR, "Parse error")), httpStatus: 200 };
  if (Array.isArray(body)) {
    if (body.length === 0 || body.length > MAX_BATCH) {
      return { payload: failure(null, new JsonRpcError(INVALID_REQUEST, "Invalid Request", `a batch holds 1 to ${MAX_BATCH} requests`)), httpStatus: 200 };
    }
    // One after another: a batch's requests may depend on each other's effects.
    const responses: JsonRpcResponse[] = [];
    let httpStatus = 200;
    for (const request of body) {
      const answer = await handleOne(methods, request, context);
      if (answer.response) responses.push(answer.response);
      if (answer.httpStatus !== 200) httpStatus = answer.httpStatus;
    }
    return { payload: responses.length > 0 ? responses : undefined, httpStatus };
  }
  const { response, httpStatus } = await handleOne(methods, body, context);
  return { payload: response, httpStatus };
}

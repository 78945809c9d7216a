// One relayer process: the HTTP server (JSON-RPC on POST /, health on GET /health), its
// database pool, relayer accounts and tracker. Several processes may share one database.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import { RpcProvider } from "starknet";
import { RelayerPool } from "./chain/relayerPool.ts";
import { Tracker } from "./chain/tracker.ts";
import type { RelayerConfig } from "./config.ts";
import type { RelayerContext } from "./context.ts";
import { connectDatabase, type Database } from "./db/database.ts";
import { migrate } from "./db/migrate.ts";
import { isAvailable, paymasterMethods } from "./paymaster/methods.ts";
import { handleJsonRpc, type MethodTable } from "./rpc/jsonRpc.ts";
import { walletMethods } from "./wallet/methods.ts";

export interface Relayer {
  url: string;
  app: FastifyInstance;
  context: RelayerContext;
  tracker: Tracker;
  /** Stops taking requests, finishes those in flight and the tracker's pass, then closes the database pool. */
  close(): Promise<void>;
}

export interface StartRelayerOptions {
  logger?: FastifyServerOptions["logger"];
  /** Run the tracker loop (default true); tests may drive `tracker.tick()` themselves. */
  track?: boolean;
}

/** Request bodies above this are refused before parsing: a typed data with 32 calls is far smaller. */
const BODY_LIMIT = 512 * 1024;
/** Not JSON: answered with JSON-RPC's parse error rather than an HTTP 400. */
const NOT_JSON = Symbol("not JSON");

export async function startRelayer(config: RelayerConfig, options: StartRelayerOptions = {}): Promise<Relayer> {
  // Closing answers new requests 503 and drops idle keep-alive connections; requests in flight finish.
  const app = Fastify({ logger: options.logger ?? { level: process.env.RELAYER_LOG_LEVEL ?? "info" }, bodyLimit: BODY_LIMIT });
  const db: Database = connectDatabase(config.databaseUrl, { max: 20 });
  let stopping = false;
  let context: RelayerContext;
  try {
    const applied = await migrate(db);
    if (applied.length > 0) app.log.info({ migrations: applied }, "database schema migrated");
    const provider = new RpcProvider({ nodeUrl: config.rpcUrl });
    const chainId = await provider.getChainId();
    const pool = new RelayerPool(db, provider, config.relayerAccounts);
    await pool.register();
    context = { config, db, provider, chainId, pool, log: app.log, shuttingDown: () => stopping };
  } catch (error) {
    await db.close();
    throw error;
  }
  const methods: MethodTable = { ...paymasterMethods(context), ...walletMethods(context) };

  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(null, NOT_JSON);
    }
  });
  // Node keeps a keep-alive connection open after its response, and close() would wait for it
  // (up to keepAliveTimeout, 72 s): once stopping, each response closes its connection.
  app.addHook("onSend", async (_request, reply) => {
    if (stopping) reply.header("connection", "close");
  });
  app.post("/", async (request, reply) => {
    const header = request.headers["x-paymaster-api-key"];
    const { payload, httpStatus } = await handleJsonRpc(methods, request.body === NOT_JSON ? undefined : request.body, {
      apiKey: typeof header === "string" && header.length > 0 ? header : undefined,
      clientAddress: request.ip,
      log: request.log,
    });
    if (payload === undefined) return reply.code(204).send();
    return reply.code(httpStatus).send(payload);
  });
  app.get("/health", async (_request, reply) => {
    const healthy = await isAvailable(context);
    return reply.code(healthy ? 200 : 503).send({ status: healthy ? "ok" : stopping ? "stopping" : "unavailable", chainId: context.chainId, relayerAccounts: context.pool.addresses.length });
  });

  const tracker = new Tracker(context);
  if (options.track ?? true) tracker.start();
  const address = await app.listen({ host: config.host, port: config.port });
  app.log.info({ url: address, relayerAccounts: context.pool.addresses.length }, "relayer listening");

  let closing: Promise<void> | undefined;
  return {
    url: address,
    app,
    context,
    tracker,
    close: () => {
      closing ??= (async () => {
        stopping = true;
        // In-flight requests finish (an execute sends and records its transaction); new
        // executes are refused with SHUTTING_DOWN until the listener is closed. What is
        // left open is in the database for any other process's tracker.
        await app.close();
        await tracker.stop();
        await db.close();
      })();
      return closing;
    },
  };
}

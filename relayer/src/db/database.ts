// The relayer's one connection pool to PostgreSQL, and the two ways the code talks to it:
// a single statement, or a function run inside one transaction.
import pg from "pg";

export interface Queryable {
  query<Row extends pg.QueryResultRow = any>(text: string, values?: unknown[]): Promise<pg.QueryResult<Row>>;
}

export interface Database {
  pool: pg.Pool;
  /** One statement, retried while the server is restarting. */
  query<Row extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<Row>>;
  /** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

// SQLSTATE classes that mean "the server went away", not "the statement is wrong":
// 08 connection exceptions, 57P01-57P03 shutdown / cannot connect now.
const TRANSIENT_CODES = /^(08|57P0[123])/;
const TRANSIENT_ERRNOS = new Set(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT"]);

export function isTransientDatabaseError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  if (code && (TRANSIENT_CODES.test(code) || TRANSIENT_ERRNOS.has(code))) return true;
  return /Connection terminated|terminating connection|the database system is (starting up|shutting down)|not queryable/.test(message ?? "");
}

/** Retries `work` while the database is unreachable, for up to `patienceMs`. */
export async function whileDatabaseRestarts<T>(work: () => Promise<T>, patienceMs = 30_000): Promise<T> {
  const deadline = Date.now() + patienceMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientDatabaseError(error) || Date.now() + delay > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

export function connectDatabase(url: string, { max = 10 } = {}): Database {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 5_000 });
  // An idle client's connection dropping (a database restart) must not crash the process:
  // the pool discards it and the next query opens a new one.
  pool.on("error", () => {});
  // Nor a checked-out one's (a lease or a transaction holding it): pg emits 'error' on the
  // client itself, and unheard that ends the process. Its queries fail instead, and the
  // pool discards it on release.
  pool.on("connect", (client) => client.on("error", () => {}));
  return {
    pool,
    query: (text, values) => whileDatabaseRestarts(() => pool.query(text, values)),
    transaction: (work) =>
      whileDatabaseRestarts(async () => {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const result = await work(client);
          await client.query("COMMIT");
          return result;
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          throw error;
        } finally {
          client.release();
        }
      }),
    close: () => pool.end(),
  };
}

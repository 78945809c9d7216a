// The relayer accounts that submit users' outside executions and pay for them. Their
// nonces live in the database: a process sends from an account only while it holds that
// account's row lock, so across every process sharing the database each nonce is handed
// out once, and two sends from one account never race.
import { Account, num, RpcError, type RpcProvider, Signer } from "starknet";
import type { Database } from "../db/database.ts";

export interface RelayerAccountKey {
  address: string;
  privateKey: string;
}

/** A Signer that remembers the last hash it signed: the transaction hash, known before sending. */
export class RecordingSigner extends Signer {
  lastSignedHash: string | undefined;
  protected override async signRaw(msgHash: string) {
    this.lastSignedHash = num.toHex(msgHash);
    return super.signRaw(msgHash);
  }
}

export interface Lease {
  address: string;
  account: Account;
  signer: RecordingSigner;
  nonce: bigint;
}

/** Every relayer account stayed busy for the whole wait. */
export class NoRelayerError extends Error {}

/** The node refused a transaction for its nonce: the stored counter was behind (or ahead of) the chain. */
export class NonceConflictError extends Error {}

/**
 * The node refused a transaction for its nonce: RPC error 52 (INVALID_TRANSACTION_NONCE),
 * or a validation failure whose own text says so. Only the node's words are read: an
 * RpcError's message also repeats the request, whose fields include "nonce".
 */
export function isNonceRejection(error: unknown): boolean {
  const baseError = (error as { baseError?: { code?: number; message?: string; data?: unknown } } | undefined)?.baseError;
  if (!baseError) return false;
  if (baseError.code === 52) return true;
  const words = `${baseError.message ?? ""} ${typeof baseError.data === "string" ? baseError.data : JSON.stringify(baseError.data ?? "")}`;
  return /invalid transaction nonce|nonce is invalid|InvalidNonce/i.test(words);
}

/** A 'sending' transaction younger than this may still be in its sender's hands (the tracker waits as long). */
export const SENDING_GRACE_SECONDS = 15;

export class RelayerPool {
  readonly addresses: string[];
  private readonly accounts = new Map<string, { account: Account; signer: RecordingSigner }>();

  constructor(
    private readonly db: Database,
    private readonly provider: RpcProvider,
    keys: RelayerAccountKey[],
  ) {
    if (keys.length === 0) throw new Error("the relayer needs at least one relayer account");
    for (const key of keys) {
      const address = num.toHex64(key.address);
      const signer = new RecordingSigner(key.privateKey);
      this.accounts.set(address, { signer, account: new Account({ provider, address, signer, cairoVersion: "1" }) });
    }
    this.addresses = [...this.accounts.keys()];
  }

  async register(): Promise<void> {
    await this.db.query("INSERT INTO relayer_accounts (address) SELECT unnest($1::text[]) ON CONFLICT (address) DO NOTHING", [this.addresses]);
  }

  /**
   * Runs `send` with an account held exclusively and its next nonce. The nonce advances
   * when `send` returns; a NonceConflictError makes the next lease re-read it from the
   * chain; any other error leaves it unused. Waits up to `waitMs` for a free account.
   */
  async withLease<T>(send: (lease: Lease) => Promise<T>, waitMs = 10_000): Promise<T> {
    const deadline = Date.now() + waitMs;
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      const client = await this.db.pool.connect();
      let released = false;
      try {
        await client.query("BEGIN");
        // A send that hangs must not hold an account (and its connection) for ever.
        await client.query("SET LOCAL idle_in_transaction_session_timeout = '120s'");
        const { rows } = await client.query<{ address: string; next_nonce: string | null }>(
          "SELECT address, next_nonce FROM relayer_accounts WHERE address = ANY($1) ORDER BY updated_at LIMIT 1 FOR UPDATE SKIP LOCKED",
          [this.addresses],
        );
        const row = rows[0];
        if (!row) {
          await client.query("ROLLBACK");
          client.release();
          released = true;
          if (Date.now() + pause > deadline) throw new NoRelayerError("every relayer account is busy");
          await new Promise((resolve) => setTimeout(resolve, pause));
          continue;
        }
        const nonce = row.next_nonce === null ? await this.freshNonce(row.address) : BigInt(row.next_nonce);
        const { account, signer } = this.accounts.get(row.address) as { account: Account; signer: RecordingSigner };
        let result: T;
        try {
          result = await send({ address: row.address, account, signer, nonce });
        } catch (error) {
          if (error instanceof NonceConflictError) {
            await client.query("UPDATE relayer_accounts SET next_nonce = NULL, updated_at = now() WHERE address = $1", [row.address]);
            await client.query("COMMIT");
          } else {
            // Still move the account to the back of the queue, so a failing account does not starve the others.
            await client.query("UPDATE relayer_accounts SET updated_at = now() WHERE address = $1", [row.address]);
            await client.query("COMMIT");
          }
          throw error;
        }
        try {
          await client.query("UPDATE relayer_accounts SET next_nonce = $2, updated_at = now() WHERE address = $1", [row.address, (nonce + 1n).toString()]);
          await client.query("COMMIT");
        } catch {
          // The transaction went out: a database that went away mid-lease must not make it
          // a failure (the client would be told nothing was sent). The lock went with the
          // connection, and the counter was not advanced: the next lease reads it again.
          await client.query("ROLLBACK").catch(() => {});
          await this.forgetNonce(row.address).catch(() => {});
        }
        return result;
      } catch (error) {
        if (!released) await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        if (!released) client.release();
      }
    }
  }

  /** Forgets an account's nonce counter: the next lease reads it again. */
  async forgetNonce(address: string): Promise<void> {
    await this.db.query("UPDATE relayer_accounts SET next_nonce = NULL WHERE address = $1", [address]);
  }

  /**
   * The chain's nonce, or past the transactions this relayer has in flight from that
   * account (the node may not count those yet). A transaction recorded but, past the
   * sender's grace, unknown to the node was never sent (its process died between recording
   * and sending): it would hold its nonce until the tracker drops it, so it is dropped
   * here; the tracker sends its request again.
   */
  private async freshNonce(address: string): Promise<bigint> {
    const chain = BigInt(await this.provider.getNonceForAddress(address, "pre_confirmed"));
    const { rows } = await this.db.query<{ hash: string; nonce: string; status: string; age_seconds: number }>(
      "SELECT hash, nonce, status, extract(epoch FROM now() - created_at)::float AS age_seconds FROM transactions WHERE relayer_address = $1 AND status IN ('sending', 'sent') AND nonce >= $2 ORDER BY nonce",
      [address, chain.toString()],
    );
    let next = chain;
    for (const row of rows) {
      if (row.status === "sending" && row.age_seconds > SENDING_GRACE_SECONDS && !(await this.nodeKnows(row.hash))) {
        await this.db.query("UPDATE transactions SET status = 'dropped' WHERE hash = $1 AND status = 'sending'", [row.hash]);
        continue;
      }
      if (BigInt(row.nonce) + 1n > next) next = BigInt(row.nonce) + 1n;
    }
    return next;
  }

  private async nodeKnows(hash: string): Promise<boolean> {
    try {
      await this.provider.getTransactionStatus(hash);
      return true;
    } catch (error) {
      // Any failure but "not found": assume it may be known.
      return !(error instanceof RpcError && error.isType("TXN_HASH_NOT_FOUND"));
    }
  }
}

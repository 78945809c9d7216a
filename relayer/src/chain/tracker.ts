// Follows every open request to its end, in whichever process sent it: settles included
// transactions (status, reason, the sponsor's actual fee), resubmits dropped ones while
// their window is open, and picks up requests a dead process left half done. Rows are
// claimed with SKIP LOCKED and finished with conditional UPDATEs, so processes sharing
// the database never settle one twice.
import { type Call, RpcError } from "starknet";
import { attributeFailure } from "../paymaster/failures.ts";
import { chainNow, type RelayerContext } from "../context.ts";
import type { Queryable } from "../db/database.ts";
import { release, settle } from "../sponsor/budgets.ts";
import { forgetOldWindows } from "../sponsor/rateLimit.ts";
import { SENDING_GRACE_SECONDS } from "./relayerPool.ts";
import { submit } from "./submitter.ts";

const BATCH = 50;

interface OpenTransaction {
  hash: string;
  tracking_id: string;
  relayer_address: string;
  age_ms: number;
}

interface RequestRow {
  tracking_id: string;
  user_address: string;
  api_key_id: string | null;
  fee_mode: string;
  reserved_fri: string;
  execute_before: string;
  relayed_call: { call: Call };
}

export class Tracker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private ticks = 0;

  constructor(private readonly context: RelayerContext) {}

  start(): void {
    const loop = () => {
      if (this.stopped) return;
      this.running = this.tick()
        .catch((error) => this.context.log.error({ err: error }, "tracker pass failed"))
        .finally(() => {
          this.running = undefined;
          if (!this.stopped) this.timer = setTimeout(loop, this.context.config.trackerIntervalMs);
        });
    };
    this.timer = setTimeout(loop, this.context.config.trackerIntervalMs);
  }

  /** Finishes the pass under way, then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One pass; exported for tests and for the shutdown's last look. */
  async tick(): Promise<void> {
    const { db } = this.context;
    const { rows } = await db.query<OpenTransaction>(
      `UPDATE transactions SET checked_at = now()
        WHERE hash IN (SELECT hash FROM transactions
                        WHERE (status = 'sent' OR (status = 'sending' AND created_at < now() - make_interval(secs => $1)))
                          AND checked_at <= now() - make_interval(secs => $2)
                        ORDER BY checked_at LIMIT $3 FOR UPDATE SKIP LOCKED)
        RETURNING hash, tracking_id, relayer_address, (extract(epoch FROM now() - created_at) * 1000)::bigint AS age_ms`,
      [SENDING_GRACE_SECONDS, this.context.config.trackerIntervalMs / 2000, BATCH],
    );
    await Promise.all(rows.map((row) => this.follow(row)));
    await this.resumeQueued();
    this.ticks += 1;
    if (this.ticks % 60 === 0) {
      await forgetOldWindows(db);
      // A build whose only request failed (tracking id given back) is still that request's.
      await db.query("DELETE FROM builds b WHERE tracking_id IS NULL AND created_at < now() - interval '2 days' AND NOT EXISTS (SELECT 1 FROM requests r WHERE r.user_address = b.user_address AND r.message_hash = b.message_hash)");
    }
  }

  private async follow(row: OpenTransaction): Promise<void> {
    let receipt;
    try {
      receipt = await this.context.provider.getTransactionReceipt(row.hash);
    } catch (error) {
      // Anything but "not found" (the node unreachable, say) is looked at next pass.
      if (error instanceof RpcError && error.isType("TXN_HASH_NOT_FOUND") && Number(row.age_ms) > this.context.config.dropAfterMs) await this.dropped(row);
      return;
    }
    const value = receipt.value as { finality_status?: string; execution_status?: string; actual_fee?: { amount: string }; revert_reason?: string };
    if (value.finality_status !== "ACCEPTED_ON_L2" && value.finality_status !== "ACCEPTED_ON_L1") return;
    await this.included(row, value.execution_status === "SUCCEEDED", BigInt(value.actual_fee?.amount ?? 0), value.revert_reason);
  }

  private async included(row: OpenTransaction, succeeded: boolean, actualFri: bigint, revertReason: string | undefined): Promise<void> {
    await this.context.db.transaction(async (client) => {
      const tx = await client.query("UPDATE transactions SET status = $2 WHERE hash = $1 AND status IN ('sending', 'sent') RETURNING hash", [row.hash, succeeded ? "accepted" : "reverted"]);
      if (tx.rowCount !== 1) return;
      const request = await this.closeRequest(client, row.tracking_id, succeeded ? "accepted" : "reverted");
      if (!request) return;
      const reason = succeeded ? null : revertReasonOf(revertReason ?? "", request.user_address);
      await client.query("UPDATE requests SET actual_fee_fri = $2, reason = $3 WHERE tracking_id = $1", [row.tracking_id, actualFri.toString(), reason]);
      if (request.fee_mode === "sponsored" && request.api_key_id) {
        await settle(client, { apiKeyId: request.api_key_id, userAddress: request.user_address, amountFri: BigInt(request.reserved_fri) }, actualFri);
      }
      this.context.log.info({ trackingId: row.tracking_id, hash: row.hash, succeeded, actualFri: actualFri.toString(), reason }, "relayed transaction included");
    });
  }

  /** The node no longer knows the transaction: send the request again while its window is open. */
  private async dropped(row: OpenTransaction): Promise<void> {
    const marked = await this.context.db.query("UPDATE transactions SET status = 'dropped' WHERE hash = $1 AND status IN ('sending', 'sent') RETURNING hash", [row.hash]);
    if (marked.rowCount !== 1) return;
    // Its nonce may now be a gap: the next lease reads the chain again.
    await this.context.pool.forgetNonce(row.relayer_address);
    this.context.log.warn({ trackingId: row.tracking_id, hash: row.hash }, "relayed transaction dropped by the node");
    const { rows } = await this.context.db.query<RequestRow>("SELECT * FROM requests WHERE tracking_id = $1 AND status IN ('queued', 'submitted')", [row.tracking_id]);
    if (rows[0]) await this.resend(rows[0]);
  }

  /** Requests reserved and recorded, whose process died before sending them. */
  private async resumeQueued(): Promise<void> {
    const { rows } = await this.context.db.query<RequestRow>(
      `UPDATE requests SET updated_at = now()
        WHERE tracking_id IN (SELECT tracking_id FROM requests r
                               WHERE status = 'queued' AND updated_at < now() - make_interval(secs => $1)
                                 AND NOT EXISTS (SELECT 1 FROM transactions t WHERE t.tracking_id = r.tracking_id AND t.status IN ('sending', 'sent'))
                               LIMIT 10 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [this.context.config.queuedGraceMs / 1000],
    );
    for (const request of rows) await this.resend(request);
  }

  private async resend(request: RequestRow): Promise<void> {
    const now = await chainNow(this.context);
    if (Number(request.execute_before) <= now + 10) {
      await this.giveUp(request, "dropped", "the execution window closed before a transaction was included");
      return;
    }
    const { call } = request.relayed_call;
    try {
      // Simulated again under the lease, with the chain as it is now: the execution may
      // have become invalid (its nonce used by another submitter, a session revoked).
      await submit(this.context, {
        trackingId: request.tracking_id,
        call,
        beforeSend: async (simulation) => {
          // Never more than execute agreed to: the relayer's cap, and a sponsor's reservation.
          const cap = this.context.config.maxFeePerTransactionFri;
          const reserved = BigInt(request.reserved_fri);
          const limit = request.fee_mode === "sponsored" && reserved < cap ? reserved : cap;
          if (simulation.maxFeeFri > limit) throw new Error(`its fee may now reach ${simulation.maxFeeFri} FRI, above the ${limit} FRI it was accepted for`);
        },
      });
    } catch (error) {
      await this.giveUp(request, "failed", `could not send it again: ${String((error as Error).message).slice(0, 300)}`);
    }
  }

  private async giveUp(request: RequestRow, status: "dropped" | "failed", reason: string): Promise<void> {
    await this.context.db.transaction(async (client) => {
      const closed = await this.closeRequest(client, request.tracking_id, status);
      if (!closed) return;
      await client.query("UPDATE requests SET reason = $2 WHERE tracking_id = $1", [request.tracking_id, reason]);
      if (closed.fee_mode === "sponsored" && closed.api_key_id) {
        await release(client, { apiKeyId: closed.api_key_id, userAddress: closed.user_address, amountFri: BigInt(closed.reserved_fri) });
      }
    });
    this.context.log.warn({ trackingId: request.tracking_id, status, reason }, "relayed request ended without inclusion");
  }

  private async closeRequest(client: Queryable, trackingId: string, status: string): Promise<RequestRow | undefined> {
    const { rows } = await client.query<RequestRow>("UPDATE requests SET status = $2, updated_at = now() WHERE tracking_id = $1 AND status IN ('queued', 'submitted') RETURNING *", [trackingId, status]);
    return rows[0];
  }
}

/** A reverted transaction's reason: the user account's code, or the contract that failed. */
function revertReasonOf(text: string, userAddress: string): string {
  const failure = attributeFailure(text, userAddress);
  return failure.reason ?? (failure.contract ? `CALL_FAILED ${failure.contract}` : "REVERTED");
}

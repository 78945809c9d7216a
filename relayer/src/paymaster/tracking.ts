// paymaster_trackingIdToLatestHash: the latest transaction sent for a request, and
// SNIP-29's status of the request: active, accepted (included, even if it reverted), or
// dropped (it ended without inclusion).
import type { RelayerContext } from "../context.ts";
import { paymasterError } from "../rpc/errors.ts";
import { felt, object } from "./params.ts";

const SNIP29_STATUS: Record<string, "active" | "accepted" | "dropped"> = {
  queued: "active",
  submitted: "active",
  accepted: "accepted",
  reverted: "accepted",
  dropped: "dropped",
  failed: "dropped",
};

export function readTrackingId(params: unknown): string {
  // Named ({ tracking_id }) as starknet.js sends it, or by position.
  const value = Array.isArray(params) ? params[0] : object(params, "params").tracking_id;
  try {
    return felt(value, "tracking_id");
  } catch {
    throw paymasterError("INVALID_ID", "tracking_id must be a felt");
  }
}

export async function trackingIdToLatestHash(context: RelayerContext, params: unknown) {
  const trackingId = readTrackingId(params);
  const { rows } = await context.db.query<{ status: string; hash: string | null }>(
    `SELECT r.status, (SELECT hash FROM transactions t WHERE t.tracking_id = r.tracking_id ORDER BY created_at DESC LIMIT 1) AS hash
       FROM requests r WHERE r.tracking_id = $1`,
    [trackingId],
  );
  const row = rows[0];
  if (!row || !row.hash) throw paymasterError("INVALID_ID");
  return { transaction_hash: row.hash, status: SNIP29_STATUS[row.status] ?? "active" };
}

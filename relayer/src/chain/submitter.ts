// Sends a relayed call from a leased relayer account. The transaction is signed with the
// lease's nonce, written to the database with its hash (write-ahead), then sent: a process
// that dies after sending leaves a hash any process's tracker can find on chain.
import type { Call, ResourceBoundsBN } from "starknet";
import type { RelayerContext } from "../context.ts";
import { maxFeeOf } from "./estimate.ts";
import { isNonceRejection, NonceConflictError } from "./relayerPool.ts";

const UNIQUE_VIOLATION = "23505";
const ATTEMPTS = 4;

export interface Submission {
  trackingId: string;
  call: Call;
  resourceBounds: ResourceBoundsBN;
}

/** An error the node answered with (a JSON-RPC error), as opposed to no answer at all. */
function isNodeAnswer(error: unknown): boolean {
  return typeof (error as { baseError?: { code?: unknown } })?.baseError?.code === "number";
}

/** Returns the hash of the transaction the node accepted; throws when no attempt was accepted. */
export async function submit(context: RelayerContext, { trackingId, call, resourceBounds }: Submission): Promise<string> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      return await context.pool.withLease(async ({ address, account, signer, nonce }) => {
        const signed = await account.getSignedTransaction([call], { nonce, resourceBounds, tip: 0n, version: "0x3" });
        const hash = signer.lastSignedHash;
        if (!hash) throw new Error("the relayer's signer recorded no transaction hash");
        try {
          await context.db.query("INSERT INTO transactions (hash, tracking_id, relayer_address, nonce, max_fee_fri, status) VALUES ($1, $2, $3, $4, $5, 'sending')", [
            hash,
            trackingId,
            address,
            nonce.toString(),
            maxFeeOf(resourceBounds).toString(),
          ]);
        } catch (error) {
          // Another live transaction holds this nonce: the counter is behind.
          if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new NonceConflictError(`nonce ${nonce} of ${address} is taken`);
          throw error;
        }
        try {
          const { transaction_hash } = await context.provider.invokeSignedTx(signed);
          if (BigInt(transaction_hash) !== BigInt(hash)) context.log.error({ expected: hash, got: transaction_hash }, "the node reports another transaction hash than the one signed");
        } catch (error) {
          if (!isNodeAnswer(error)) {
            // No answer (a timeout, a dropped connection): the node may have taken it. The
            // tracker settles it either way, by its hash, without sending it twice.
            context.log.warn({ trackingId, hash, err: (error as Error).message }, "no answer from the node; the tracker will look the transaction up");
            return hash;
          }
          await context.db.query("UPDATE transactions SET status = 'rejected' WHERE hash = $1", [hash]);
          if (isNonceRejection(error)) throw new NonceConflictError(`the node refused nonce ${nonce} of ${address}`);
          throw error;
        }
        await context.db.query("UPDATE transactions SET status = 'sent', checked_at = now() WHERE hash = $1 AND status = 'sending'", [hash]);
        await context.db.query("UPDATE requests SET status = 'submitted', updated_at = now() WHERE tracking_id = $1 AND status = 'queued'", [trackingId]);
        context.log.info({ trackingId, hash, relayer: address, nonce: nonce.toString(), attempt }, "relayed transaction sent");
        return hash;
      });
    } catch (error) {
      lastError = error;
      if (!(error instanceof NonceConflictError)) break;
      context.log.warn({ trackingId, attempt, err: error.message }, "relayer nonce out of step; re-reading it from the chain");
    }
  }
  throw lastError;
}

// Sends a relayed call from a leased relayer account. Under the lease, the call is first
// simulated from that account at the nonce it will carry (nothing else sends from it
// meanwhile, so the node never sees a moving nonce), then checked by the caller, signed,
// written to the database with its hash (write-ahead), and sent: a process that dies after
// sending leaves a hash any process's tracker can find on chain.
import type { Call } from "starknet";
import type { RelayerContext } from "../context.ts";
import { maxFeeOf, type Simulation, simulateInvoke, StaleNonceError, toContractCall } from "./estimate.ts";
import { isNonceRejection, NonceConflictError } from "./relayerPool.ts";

const UNIQUE_VIOLATION = "23505";
const ATTEMPTS = 4;

export interface Submission {
  trackingId: string;
  call: Call;
  /**
   * Runs on the simulation before anything is signed: throws to refuse (the lease's nonce
   * stays unused), e.g. a fee above what was agreed; may record the request and reserve
   * its budget, which is then in place before the transaction exists.
   */
  beforeSend(simulation: Simulation): Promise<void>;
}

/** Thrown by submit when the simulation or `beforeSend` refused: nothing was sent. */
export class SubmissionRefused extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/** An error the node answered with (a JSON-RPC error), as opposed to no answer at all. */
function isNodeAnswer(error: unknown): boolean {
  return typeof (error as { baseError?: { code?: unknown } })?.baseError?.code === "number";
}

/** Returns the hash of the transaction the node accepted; throws when no attempt was accepted. */
export async function submit(context: RelayerContext, { trackingId, call, beforeSend }: Submission): Promise<string> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    try {
      return await context.pool.withLease(async ({ address, account, signer, nonce }) => {
        let simulation: Simulation;
        try {
          simulation = await simulateInvoke(context.provider, address, [toContractCall(call)], nonce);
          await beforeSend(simulation);
        } catch (error) {
          // The counter is off the chain's: read it again and retry.
          if (error instanceof StaleNonceError) throw new NonceConflictError(error.message);
          throw new SubmissionRefused(error);
        }
        const { resourceBounds } = simulation;
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
      if (error instanceof SubmissionRefused) throw error.reason;
      lastError = error;
      if (!(error instanceof NonceConflictError)) break;
      context.log.warn({ trackingId, attempt, err: error.message }, "relayer nonce out of step; re-reading it from the chain");
    }
  }
  throw lastError;
}

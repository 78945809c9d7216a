// paymaster_executeTransaction: relays a typed data this relayer built, signed by the
// user, after checking everything it would otherwise pay for: the typed data is the one
// built (for this account, unexecuted, in its window), the relayed transaction succeeds
// in an estimate with the user's signature (which the account verifies), the fee is
// covered, and the sponsor's budget has room. Only then is anything reserved or sent.
import { num, stark } from "starknet";
import type { Simulation } from "../chain/estimate.ts";
import { NoRelayerError } from "../chain/relayerPool.ts";
import { submit } from "../chain/submitter.ts";
import { chainNow, type RelayerContext } from "../context.ts";
import { invalidParams, JsonRpcError, paymasterError, policyRefusal } from "../rpc/errors.ts";
import type { RequestContext } from "../rpc/jsonRpc.ts";
import { type ApiKeyPolicy, getApiKey } from "../sponsor/apiKeys.ts";
import { release, reserve } from "../sponsor/budgets.ts";
import { resolveAccess } from "./access.ts";
import { relayedFailureError } from "./failures.ts";
import { isOutsideExecutionShape, messageHashOf, relayedCall, type StoredOutsideExecution } from "./outsideExecution.ts";
import { address, type FeeMode, felts, MAX_SIGNATURE, namedParams, object } from "./params.ts";
import { findGasToken, friToToken } from "./tokens.ts";

/** An execution must still have this long to go when it is sent. */
const INCLUSION_MARGIN_SECONDS = 10;

interface BuildRow {
  api_key_id: string | null;
  fee_mode: "sponsored" | "default";
  gas_token: string | null;
  fee_amount: string | null;
  outside_execution: StoredOutsideExecution;
  tracking_id: string | null;
}

export async function executeTransaction(context: RelayerContext, params: unknown, request: RequestContext) {
  const { transaction, parameters } = namedParams(params);
  const invoke = object(transaction.invoke, "transaction.invoke");
  const userAddress = address(invoke.user_address, "transaction.invoke.user_address");
  const signature = felts(invoke.signature, "transaction.invoke.signature", MAX_SIGNATURE);
  if (signature.length === 0) throw paymasterError("INVALID_SIGNATURE", "the signature is empty");
  const key = await resolveAccess(context, request, parameters.feeMode);

  const typedData = invoke.typed_data;
  if (!isOutsideExecutionShape(typedData, context.chainId)) throw paymasterError("INVALID_SIGNATURE", "the typed data is not a SNIP-9 V2 outside execution on this chain, as this paymaster builds them");
  let messageHash: string;
  try {
    messageHash = messageHashOf(typedData, userAddress);
  } catch (error) {
    throw paymasterError("INVALID_SIGNATURE", `the typed data cannot be hashed: ${(error as Error).message}`);
  }
  return relayExecution(context, { userAddress, messageHash, signature, key, feeMode: parameters.feeMode });
}

export interface RelayRequest {
  userAddress: string;
  /** SNIP-12 hash of the typed data the user signed: it names the build. */
  messageHash: string;
  signature: string[];
  key: ApiKeyPolicy | undefined;
  /** The fee mode the client says it signed for; checked against the build's. */
  feeMode?: FeeMode;
}

/**
 * Relays an outside execution this relayer built, with the user's signature, after every
 * check it would otherwise pay for; returns the tracking id and the transaction's hash.
 */
export async function relayExecution(context: RelayerContext, { userAddress, messageHash, signature, key, feeMode }: RelayRequest) {
  if (context.shuttingDown()) throw policyRefusal("SHUTTING_DOWN", "this relayer process is stopping; send the request again (to another process)", 503);
  const { rows } = await context.db.query<BuildRow>("SELECT api_key_id, fee_mode, gas_token, fee_amount, outside_execution, tracking_id FROM builds WHERE user_address = $1 AND message_hash = $2", [userAddress, messageHash]);
  const build = rows[0];
  // Altered after it was built, built for another account, or never built here: the
  // signature then signs something this relayer never agreed to pay for.
  if (!build) throw paymasterError("INVALID_SIGNATURE", "the typed data is not one this paymaster built for this account (altered, or built elsewhere)");
  if (build.tracking_id) throw alreadyExecuted(build.tracking_id);
  if (feeMode && (feeMode.mode !== build.fee_mode || (feeMode.mode === "default" && BigInt(feeMode.gasToken) !== BigInt(build.gas_token ?? 0)))) {
    throw invalidParams("parameters.fee_mode differs from the one the typed data was built with");
  }
  if (build.api_key_id && build.api_key_id !== key?.id) throw policyRefusal("API_KEY_MISMATCH", "this typed data was built under another API key");
  const sponsor = build.fee_mode === "sponsored" && build.api_key_id ? await getApiKey(context.db, build.api_key_id) : undefined;
  if (build.fee_mode === "sponsored" && !sponsor) throw policyRefusal("API_KEY_INVALID", "the API key this typed data was built under was revoked");

  const execution = build.outside_execution;
  const now = await chainNow(context);
  if (execution.execute_before <= now + INCLUSION_MARGIN_SECONDS) throw paymasterError("INVALID_TIME_BOUNDS", `the execution window closed at ${execution.execute_before} (chain time ${now})`);
  if (execution.execute_after >= now) throw paymasterError("INVALID_TIME_BOUNDS", `the execution window opens at ${execution.execute_after} (chain time ${now})`);

  // The simulation runs the account's execute_from_outside_v2 with the user's signature,
  // from the relayer account that will send it, at its nonce: a bad signature, a used
  // nonce or a session's refusal all fail there, before anything is reserved or signed.
  const call = relayedCall(userAddress, execution, signature);
  const trackingId = num.toHex(stark.randomAddress());
  const token = build.fee_mode === "default" ? findGasToken(context.config.gasTokens, build.gas_token as string) : undefined;
  let reservedFri = 0n;
  let recorded = false;
  const beforeSend = async (simulation: Simulation) => {
    if (simulation.maxFeeFri > context.config.maxFeePerTransactionFri) {
      throw policyRefusal("FEE_TOO_HIGH", `the relayed transaction may cost ${simulation.maxFeeFri} FRI, above this relayer's limit of ${context.config.maxFeePerTransactionFri} FRI`);
    }
    if (token) {
      const required = friToToken(simulation.overallFeeFri, token);
      if (BigInt(build.fee_amount ?? 0) < required) {
        throw paymasterError("MAX_AMOUNT_TOO_LOW", `the signed fee transfer of ${build.fee_amount} no longer covers the estimated fee of ${required} (build again)`);
      }
      // The signed transfer is only a call the account was asked to make: what counts is
      // the token moving. An account whose execute_from_outside_v2 skips it would ride free.
      const paid = simulation.transfers
        .filter((transfer) => BigInt(transfer.token) === BigInt(token.address) && BigInt(transfer.from) === BigInt(userAddress) && BigInt(transfer.to) === BigInt(context.config.feeRecipient))
        .reduce((sum, transfer) => sum + transfer.amount, 0n);
      if (paid < required) throw paymasterError("MAX_AMOUNT_TOO_LOW", `the execution pays the relayer ${paid} of the gas token, not the ${required} its fee needs`);
    }
    if (recorded) {
      // A retry on another nonce: the reservation made covers at most what it covered.
      if (sponsor && simulation.maxFeeFri > reservedFri) throw policyRefusal("FEE_TOO_HIGH", "the fee rose above what was reserved for this request");
      return;
    }
    reservedFri = sponsor ? simulation.maxFeeFri : 0n;
    await context.db.transaction(async (client) => {
      const consumed = await client.query("UPDATE builds SET tracking_id = $3 WHERE user_address = $1 AND message_hash = $2 AND tracking_id IS NULL RETURNING tracking_id", [userAddress, messageHash, trackingId]);
      if (consumed.rowCount !== 1) {
        const { rows: again } = await client.query<{ tracking_id: string }>("SELECT tracking_id FROM builds WHERE user_address = $1 AND message_hash = $2", [userAddress, messageHash]);
        throw alreadyExecuted(again[0]?.tracking_id ?? "unknown");
      }
      if (sponsor) await reserve(client, sponsor, userAddress, reservedFri);
      await client.query(
        "INSERT INTO requests (tracking_id, user_address, message_hash, api_key_id, fee_mode, relayed_call, execute_before, reserved_fri, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'queued')",
        [trackingId, userAddress, messageHash, build.api_key_id, build.fee_mode, JSON.stringify({ call }), execution.execute_before, reservedFri.toString()],
      );
    });
    recorded = true;
  };

  let transactionHash: string;
  try {
    transactionHash = await submit(context, { trackingId, call, beforeSend });
  } catch (error) {
    if (recorded) {
      // Recorded and reserved, but nothing reached the chain: give the reservation back
      // and let the same signed typed data be sent again.
      await context.db.transaction(async (client) => {
        const failed = await client.query("UPDATE requests SET status = 'failed', reason = $2, updated_at = now() WHERE tracking_id = $1 AND status = 'queued' RETURNING tracking_id", [trackingId, String((error as Error).message).slice(0, 500)]);
        if (failed.rowCount === 1) {
          if (sponsor) await release(client, { apiKeyId: sponsor.id, userAddress, amountFri: reservedFri });
          await client.query("UPDATE builds SET tracking_id = NULL WHERE tracking_id = $1", [trackingId]);
        }
      });
    }
    if (error instanceof JsonRpcError) throw error;
    if (!recorded && !(error instanceof NoRelayerError)) throw relayedFailureError(error, userAddress);
    context.log.error({ trackingId, err: error }, "could not submit the relayed transaction");
    throw policyRefusal("SUBMISSION_FAILED", "no relayer account could send the transaction; nothing was spent, the same signed request may be sent again", 503);
  }
  return { tracking_id: trackingId, transaction_hash: transactionHash };
}

function alreadyExecuted(trackingId: string) {
  return paymasterError("TRANSACTION_EXECUTION_ERROR", { execution_error: `this outside execution was already submitted (tracking id ${trackingId})`, reason: "NONCE_USED", tracking_id: trackingId });
}

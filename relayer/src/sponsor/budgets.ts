// Sponsored fees, in FRI. A request reserves its worst case (the relayed transaction's
// maximum fee) before it is sent; the receipt's actual fee settles it. Each step is one
// conditional UPDATE, so processes sharing the database can never overspend a budget.
import type { Queryable } from "../db/database.ts";
import { policyRefusal } from "../rpc/errors.ts";
import type { ApiKeyPolicy } from "./apiKeys.ts";

export interface Reservation {
  apiKeyId: string;
  userAddress: string;
  amountFri: bigint;
}

/** Reserves `amountFri` of the key's budget and of the account's share, or refuses. */
export async function reserve(client: Queryable, key: ApiKeyPolicy, userAddress: string, amountFri: bigint): Promise<Reservation> {
  const amount = amountFri.toString();
  const keyRow = await client.query("UPDATE api_keys SET reserved_fri = reserved_fri + $2 WHERE id = $1 AND spent_fri + reserved_fri + $2 <= budget_fri RETURNING id", [key.id, amount]);
  if (keyRow.rowCount !== 1) {
    throw policyRefusal("BUDGET_EXHAUSTED", `API key ${key.id} has less than ${amount} FRI of its sponsorship budget left for this transaction's maximum fee`);
  }
  await client.query("INSERT INTO account_budgets (api_key_id, user_address) VALUES ($1, $2) ON CONFLICT DO NOTHING", [key.id, userAddress]);
  const limit = key.perAccountBudgetFri?.toString() ?? null;
  const accountRow = await client.query(
    "UPDATE account_budgets SET reserved_fri = reserved_fri + $3 WHERE api_key_id = $1 AND user_address = $2 AND ($4::numeric IS NULL OR spent_fri + reserved_fri + $3 <= $4::numeric) RETURNING api_key_id",
    [key.id, userAddress, amount, limit],
  );
  if (accountRow.rowCount !== 1) {
    throw policyRefusal("ACCOUNT_BUDGET_EXHAUSTED", `account ${userAddress} has less than ${amount} FRI of its sponsorship allowance under API key ${key.id} left`);
  }
  return { apiKeyId: key.id, userAddress, amountFri };
}

/** Replaces a reservation by what the transaction actually cost. */
export async function settle(client: Queryable, reservation: Reservation, actualFri: bigint): Promise<void> {
  const values = [reservation.apiKeyId, reservation.amountFri.toString(), actualFri.toString()];
  await client.query("UPDATE api_keys SET reserved_fri = reserved_fri - $2, spent_fri = spent_fri + $3 WHERE id = $1", values);
  await client.query("UPDATE account_budgets SET reserved_fri = reserved_fri - $2, spent_fri = spent_fri + $3 WHERE api_key_id = $1 AND user_address = $4", [...values, reservation.userAddress]);
}

/** Gives a reservation back: nothing was spent. */
export async function release(client: Queryable, reservation: Reservation): Promise<void> {
  await settle(client, reservation, 0n);
}

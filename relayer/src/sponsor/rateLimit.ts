// Requests per minute per API key (or per client address without one), counted in the
// database so every relayer process enforces one shared limit.
import type { Queryable } from "../db/database.ts";
import { policyRefusal } from "../rpc/errors.ts";

export async function countRequest(db: Queryable, subject: string, limitPerMinute: number): Promise<void> {
  const { rows } = await db.query<{ requests: number }>(
    `INSERT INTO rate_windows (subject, window_start, requests) VALUES ($1, date_trunc('minute', now()), 1)
     ON CONFLICT (subject, window_start) DO UPDATE SET requests = rate_windows.requests + 1 RETURNING requests`,
    [subject],
  );
  if ((rows[0]?.requests ?? 0) > limitPerMinute) {
    throw policyRefusal("RATE_LIMITED", `more than ${limitPerMinute} requests this minute for ${subject}; retry next minute`, 429);
  }
}

export async function forgetOldWindows(db: Queryable): Promise<void> {
  await db.query("DELETE FROM rate_windows WHERE window_start < now() - interval '5 minutes'");
}

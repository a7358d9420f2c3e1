// Nothing ends in silence: the sweeper (a cron trigger, every minute) finds sends nobody is
// driving — a claim whose lease ran out (the consumer died or hung mid-send) or a queued row
// long overdue (its queue message was lost) — and puts them back on the queue. A lapsed claim
// comes back uncertain, so the consumer asks Evolution whether it went out before sending it:
// it ends accepted once or failed with the reason, never pending for ever.
import { getDb } from "../platform/db/client";
import { chunks, expireLeaseStmt, stuckOutbox } from "./outbox.queries";
import { redrive } from "./redrive";

/** A queued row this far past its due time has no queue message driving it. */
export const STUCK_MS = 60_000;
const LIMIT = 500;

export async function sweepOutbox(env: Env, now = Date.now()): Promise<{ expired: number; redriven: number }> {
  const db = getDb(env.DB);
  const rows = await stuckOutbox(db, now, STUCK_MS, LIMIT);
  const lapsed = rows.filter((r) => r.state === "sending");
  for (const ids of chunks(lapsed.map((r) => r.id))) await expireLeaseStmt(db, ids, now);
  const redriven = await redrive(
    env,
    rows.map((r) => r.id),
    now,
  );
  if (rows.length) console.warn(JSON.stringify({ at: "outbox.sweep", expired: lapsed.length, redriven }));
  return { expired: lapsed.length, redriven };
}

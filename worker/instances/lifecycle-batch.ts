// A batch of an instance's lifecycle deliveries, as WaInstance applies it in its serial chain:
// in order, against the row it holds (lifecycle.ts decides each change), then the change and
// the settlement of every delivery written as one D1 batch. A burst of N events costs one round
// trip, not N.
import type { Db } from "../platform/db/client";
import type { Delivery, IngestResult } from "./delivery";
import { type InstancePatch, type InstanceRow, updateInstanceStmt } from "./instances.queries";
import { INSTANCE_EVENTS, instanceChange } from "./lifecycle";
import { settledWebhookEvents, settleWebhookEventsStmt } from "./webhook-events.queries";

/** `updated`: the row as written (null: it vanished), absent when nothing changed. */
export type BatchOutcome = { results: IngestResult[]; updated?: InstanceRow | null };

export async function applyLifecycleBatch(db: Db, base: InstanceRow | null, ds: Delivery[]): Promise<BatchOutcome> {
  // A duplicate that raced its first delivery finds it already applied: nothing to do.
  const repeats = ds.filter((d) => d.repeat).map((d) => d.eventId);
  const settled = new Set(repeats.length ? await settledWebhookEvents(db, repeats) : []);
  let row = base;
  const patch: InstancePatch = {};
  const processed: string[] = [];
  const ignored: string[] = [];
  const results = ds.map((d): IngestResult => {
    if (settled.has(d.eventId)) return "ignored";
    const change = row && INSTANCE_EVENTS.has(d.event) ? instanceChange(row, d.event, d.data, d.at) : null;
    if (!row || !change) {
      ignored.push(d.eventId);
      return "ignored";
    }
    Object.assign(patch, change);
    row = { ...row, ...change };
    processed.push(d.eventId);
    return "processed";
  });
  // The change and the settlement of every delivery that caused it commit together.
  const reason = base ? "no change (stale, duplicate or unhandled)" : "instance no longer exists";
  const settleIgnored = ignored.length ? [settleWebhookEventsStmt(db, ignored, "ignored", reason)] : [];
  if (base && processed.length) {
    const [[updated]] = await db.batch([updateInstanceStmt(db, base.id, patch), settleWebhookEventsStmt(db, processed, "processed"), ...settleIgnored]);
    return { results, updated: updated ?? null };
  }
  if (settleIgnored[0]) await settleIgnored[0];
  return { results };
}

/** The batch failed (nothing of it was written): its deliveries are settled as failed, for the alarm. */
export async function failLifecycleBatch(db: Db, ds: Delivery[], err: unknown): Promise<IngestResult[]> {
  const message = err instanceof Error ? err.message : String(err);
  console.error(JSON.stringify({ at: "instance.ingest", events: ds.length, error: message }));
  await settleWebhookEventsStmt(
    db,
    ds.map((d) => d.eventId),
    "failed",
    message.slice(0, 1000),
  ).catch(() => undefined);
  return ds.map(() => "failed");
}

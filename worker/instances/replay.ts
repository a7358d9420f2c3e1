// Replays deliveries that were recorded but never applied (`received`) or whose processing
// failed (`failed`): each is handed again to its instance's Durable Object, in the order it was
// received. Applying is idempotent (the DO checks whether a repeat was already settled, and
// messages dedupe on their key.id), so a replay can never apply anything twice.
import { getDb } from "../platform/db/client";
import { type IngestResult, storedDelivery } from "./delivery";
import type { WebhookEventRow } from "./webhook-events.queries";
import { pendingWebhookEvents } from "./webhook-events.queries";

export type ReplayReport = {
  /** Deliveries handed back to their instance. */
  replayed: number;
  /** Now settled: applied, or found to need nothing (duplicate, stale, instance gone). */
  processed: number;
  /** Still waiting for the message they refer to (the instance re-checks them by alarm). */
  held: number;
  /** Processing failed again; the row keeps the error and can be replayed later. */
  still_failed: number;
};

export async function replayWebhookEvents(env: Env, opts: { instanceId?: string; limit: number }): Promise<ReplayReport> {
  const rows = await pendingWebhookEvents(getDb(env.DB), opts.instanceId, opts.limit);
  const byInstance = new Map<string, WebhookEventRow[]>();
  for (const r of rows) byInstance.set(r.instanceId, [...(byInstance.get(r.instanceId) ?? []), r]);

  const results: IngestResult[] = [];
  // Instances in parallel; one instance's deliveries one after another, oldest first.
  await Promise.all(
    [...byInstance].map(async ([instanceId, list]) => {
      const stub = env.WA_INSTANCE.getByName(instanceId);
      for (const r of list) {
        try {
          results.push(await stub.ingest(storedDelivery(r, true)));
        } catch (err) {
          console.error(JSON.stringify({ at: "webhook.replay", eventId: r.id, error: String(err) }));
          results.push("failed");
        }
      }
    }),
  );
  const count = (...of: IngestResult[]) => results.filter((r) => of.includes(r)).length;
  const report = { replayed: rows.length, processed: count("processed", "ignored"), held: count("deferred"), still_failed: count("failed") };
  console.log(JSON.stringify({ at: "webhook.replay", instanceId: opts.instanceId ?? null, ...report }));
  return report;
}

// Message events kept in webhook_events until their message lands: a messages.update, delete or
// send.message echo that arrived before the message is left `received`; when the message gets
// its external id these are found by dedupe-key range (`<event>:<key.id>:<status>`) on the
// (instance_id, dedupe_key) unique index and applied.
import { and, eq, gte, inArray, lt } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { webhookEvents } from "../platform/db/schema";

const HELD = ["messages.update", "messages.delete", "send.message"] as const;

export function heldEventsQuery(db: Db, instanceId: string, externalId: string, event: (typeof HELD)[number]) {
  const prefix = `${event}:${externalId}:`;
  // ';' sorts right after ':', so the range is exactly the keys starting with the prefix.
  const end = `${event}:${externalId};`;
  return db
    .select({ id: webhookEvents.id, event: webhookEvents.event, payload: webhookEvents.payload, receivedAt: webhookEvents.receivedAt })
    .from(webhookEvents)
    .where(
      and(
        eq(webhookEvents.instanceId, instanceId),
        gte(webhookEvents.dedupeKey, prefix),
        lt(webhookEvents.dedupeKey, end),
        eq(webhookEvents.status, "received"),
      ),
    );
}

/**
 * Our send was recorded under this key.id (a campaign send, or another outbox send without a
 * message of its own): its send.message echo, held meanwhile because it arrived first, is ours
 * and settled so — in the batch that records the send, instead of by the instance's next look.
 */
export function settleHeldEchoesStmt(db: Db, instanceId: string, externalId: string, now: number) {
  return db
    .update(webhookEvents)
    .set({ status: "ignored", error: "echo of a message already stored", processedAt: now })
    .where(
      and(
        eq(webhookEvents.instanceId, instanceId),
        gte(webhookEvents.dedupeKey, `send.message:${externalId}:`),
        lt(webhookEvents.dedupeKey, `send.message:${externalId};`),
        eq(webhookEvents.status, "received"),
      ),
    );
}

/** Every held event for one external id, in one batch (one round trip). */
export async function heldEvents(db: Db, instanceId: string, externalId: string) {
  const [updates, deletes, echoes] = await db.batch([
    heldEventsQuery(db, instanceId, externalId, "messages.update"),
    heldEventsQuery(db, instanceId, externalId, "messages.delete"),
    heldEventsQuery(db, instanceId, externalId, "send.message"),
  ]);
  return { updates, deletes, echoes };
}

/** The external ids of this instance's unapplied receipts (updates and deletes), from their dedupe keys. */
export async function heldExternalIds(db: Db, instanceId: string): Promise<Set<string>> {
  const ranges = (["messages.update", "messages.delete"] as const).map((event) =>
    db
      .select({ key: webhookEvents.dedupeKey })
      .from(webhookEvents)
      .where(
        and(
          eq(webhookEvents.instanceId, instanceId),
          gte(webhookEvents.dedupeKey, `${event}:`),
          lt(webhookEvents.dedupeKey, `${event};`),
          inArray(webhookEvents.status, ["received", "failed"]),
        ),
      ),
  );
  const [updates, deletes] = await db.batch([ranges[0]!, ranges[1]!]);
  // `<event>:<key.id>:<status>`: key ids never hold ':'.
  return new Set([...updates, ...deletes].map((r) => r.key.split(":")[1] ?? ""));
}

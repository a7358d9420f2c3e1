import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Cursor } from "../../lib/pagination";
import type { Db } from "../client";
import { webhookEvents } from "../schema";

export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type WebhookEventStatus = WebhookEventRow["status"];

/**
 * Records a delivery. A repeat of the same (instance, dedupe key) bumps `deliveries` and
 * returns the existing row, so the caller can tell a duplicate from a first delivery.
 */
export async function recordWebhookEvent(
  db: Db,
  row: Pick<WebhookEventRow, "id" | "instanceId" | "instanceName" | "event" | "dedupeKey" | "payload"> &
    Partial<Pick<WebhookEventRow, "status" | "error">>,
): Promise<WebhookEventRow> {
  const [saved] = await db
    .insert(webhookEvents)
    .values(row)
    .onConflictDoUpdate({
      target: [webhookEvents.instanceId, webhookEvents.dedupeKey],
      set: { deliveries: sql`${webhookEvents.deliveries} + 1` },
    })
    .returning();
  return saved!;
}

/** The statement that settles deliveries; put in a db.batch with the change they made. */
export function settleWebhookEventsStmt(db: Db, ids: string[], status: WebhookEventStatus, error: string | null = null) {
  return db
    .update(webhookEvents)
    .set({ status, error, processedAt: status === "received" ? null : Date.now() })
    .where(inArray(webhookEvents.id, ids));
}

/** Which of these deliveries were already applied or set aside. */
export async function settledWebhookEvents(db: Db, ids: string[]): Promise<string[]> {
  const rows = await db
    .select({ id: webhookEvents.id })
    .from(webhookEvents)
    .where(and(inArray(webhookEvents.id, ids), inArray(webhookEvents.status, ["processed", "ignored", "rejected"])));
  return rows.map((r) => r.id);
}

/** Deliveries not yet processed (or whose processing failed), oldest first, for replay. */
export async function pendingWebhookEvents(db: Db, instanceId: string | undefined, limit: number, events?: string[]) {
  const conds = [inArray(webhookEvents.status, ["received", "failed"])];
  if (instanceId) conds.push(eq(webhookEvents.instanceId, instanceId));
  if (events?.length) conds.push(inArray(webhookEvents.event, events));
  return db
    .select()
    .from(webhookEvents)
    .where(and(...conds))
    .orderBy(webhookEvents.receivedAt, webhookEvents.id)
    .limit(limit);
}

/** Deliveries in these statuses, newest first, keyset-paginated on (received_at, id); limit+1 rows. */
export async function listWebhookEvents(
  db: Db,
  f: { statuses: WebhookEventStatus[]; instanceId?: string; cursor?: Cursor; limit: number },
) {
  return db
    .select()
    .from(webhookEvents)
    .where(
      and(
        inArray(webhookEvents.status, f.statuses),
        f.instanceId ? eq(webhookEvents.instanceId, f.instanceId) : undefined,
        f.cursor ? sql`(${webhookEvents.receivedAt}, ${webhookEvents.id}) < (${Number(f.cursor.v)}, ${f.cursor.id})` : undefined,
      ),
    )
    .orderBy(desc(webhookEvents.receivedAt), desc(webhookEvents.id))
    .limit(f.limit + 1);
}


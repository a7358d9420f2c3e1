import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { webhookEvents } from "../platform/db/schema";
import type { Cursor } from "../platform/lib/pagination";

export type WebhookEventRow = typeof webhookEvents.$inferSelect;
export type WebhookEventStatus = WebhookEventRow["status"];

/**
 * Records a delivery. A repeat of the same (instance, dedupe key) bumps `deliveries` and
 * returns the existing row, so the caller can tell a duplicate from a first delivery.
 */
export async function recordWebhookEvent(
  db: Db,
  row: Pick<WebhookEventRow, "id" | "instanceId" | "instanceName" | "event" | "dedupeKey" | "payload"> & Partial<Pick<WebhookEventRow, "status" | "error">>,
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

/** Rows per mirror statement: one bound parameter per column (11), under D1's 100 per statement. */
const MIRROR_ROWS = 9;

/**
 * Copies an instance's journal rows (see instances/journal.ts) into
 * webhook_events, several rows per statement. A key D1 already has keeps its row and takes the
 * higher delivery count; each statement returns the D1 id and status for every key.
 */
export function mirrorWebhookEventsStmts(
  db: Db,
  instance: { id: string; name: string },
  rows: Pick<WebhookEventRow, "id" | "event" | "dedupeKey" | "payload" | "receivedAt" | "deliveries">[],
) {
  const stmts = [];
  for (let i = 0; i < rows.length; i += MIRROR_ROWS)
    stmts.push(
      db
        .insert(webhookEvents)
        .values(rows.slice(i, i + MIRROR_ROWS).map((r) => ({ ...r, instanceId: instance.id, instanceName: instance.name })))
        .onConflictDoUpdate({
          target: [webhookEvents.instanceId, webhookEvents.dedupeKey],
          set: { deliveries: sql`max(${webhookEvents.deliveries}, excluded.deliveries)` },
        })
        .returning({ id: webhookEvents.id, dedupeKey: webhookEvents.dedupeKey, status: webhookEvents.status }),
    );
  return stmts;
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
export async function listWebhookEvents(db: Db, f: { statuses: WebhookEventStatus[]; instanceId?: string; cursor?: Cursor; limit: number }) {
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

// The outbox's statements: store, claim, settle, and the sweeper's and breaker's selections.
// Every transition is guarded by the state it leaves, so a repeat (a redelivered queue message,
// the sweeper racing a slow consumer) changes nothing.
import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { campaigns, messages, outbox } from "../platform/db/schema";

export type OutboxRow = typeof outbox.$inferSelect;
export type NewOutboxRow = typeof outbox.$inferInsert;

const NOW = sql<number>`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

/** Ids per IN (…) list: D1 binds at most 100 parameters a statement. */
export const ID_CHUNK = 90;
export const chunks = <T>(xs: T[], size = ID_CHUNK): T[][] => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

/** Stores a send once per idempotency key (a repeat is a no-op and returns nothing). */
export function insertOutboxStmt(db: Db, row: NewOutboxRow) {
  return db.insert(outbox).values(row).onConflictDoNothing({ target: outbox.idempotencyKey }).returning({ id: outbox.id });
}

export async function getOutbox(db: Db, id: string): Promise<OutboxRow | undefined> {
  return db.select().from(outbox).where(eq(outbox.id, id)).get();
}

export async function outboxByKey(db: Db, key: string): Promise<OutboxRow | undefined> {
  return db.select().from(outbox).where(eq(outbox.idempotencyKey, key)).get();
}

/**
 * Claims queued sends for one attempt each: only rows still queued and due (the claim is the
 * idempotency check; a second consumer or a repeated queue message gets nothing back).
 */
export async function claimOutbox(db: Db, ids: string[], now: number, leaseMs: number): Promise<OutboxRow[]> {
  if (ids.length > ID_CHUNK) {
    const parts = await Promise.all(chunks(ids).map((part) => claimOutbox(db, part, now, leaseMs)));
    return parts.flat();
  }
  if (!ids.length) return [];
  return db
    .update(outbox)
    .set({
      state: "sending",
      attempts: sql`${outbox.attempts} + 1`,
      firstAttemptAt: sql`coalesce(${outbox.firstAttemptAt}, ${now})`,
      leaseUntil: now + leaseMs,
      updatedAt: now,
    })
    .where(and(inArray(outbox.id, ids), eq(outbox.state, "queued"), sql`${outbox.nextAttemptAt} <= ${now + 1000}`))
    .returning();
}

/** Evolution took it (its answer, its echo, or its message lookup): never sent again. */
export function acceptStmt(db: Db, id: string, externalId: string, now: number) {
  return db
    .update(outbox)
    .set({ state: "accepted", externalId, leaseUntil: null, error: null, retryable: null, updatedAt: now })
    .where(and(eq(outbox.id, id), inArray(outbox.state, ["queued", "sending", "failed"])));
}

/** The send of this conversation message was accepted (its echo matched it first). */
export function acceptByMessageStmt(db: Db, messageId: string, externalId: string, now: number) {
  return db
    .update(outbox)
    .set({ state: "accepted", externalId, leaseUntil: null, error: null, retryable: null, updatedAt: now })
    .where(and(eq(outbox.messageId, messageId), inArray(outbox.state, ["queued", "sending", "failed"])));
}

/** Back to queued for a later attempt; `uncertain` sticks once set (reconcile before any resend). */
export function requeueStmt(db: Db, id: string, p: { at: number; error: string | null; uncertain: boolean; undoAttempt?: boolean }, now: number) {
  return db
    .update(outbox)
    .set({
      state: "queued",
      nextAttemptAt: p.at,
      leaseUntil: null,
      error: p.error?.slice(0, 1000) ?? null,
      uncertain: p.uncertain ? true : sql`${outbox.uncertain}`,
      ...(p.undoAttempt ? { attempts: sql`max(${outbox.attempts} - 1, 0)` } : {}),
      updatedAt: now,
    })
    .where(and(eq(outbox.id, id), eq(outbox.state, "sending")));
}

export function failOutboxStmt(db: Db, id: string, error: string, retryable: boolean, now: number) {
  return db
    .update(outbox)
    .set({ state: "failed", error: error.slice(0, 1000), retryable, leaseUntil: null, updatedAt: now })
    .where(and(eq(outbox.id, id), inArray(outbox.state, ["queued", "sending"])))
    .returning({ id: outbox.id, messageId: outbox.messageId });
}

export function cancelOutboxStmt(db: Db, id: string, reason: string, now: number) {
  return db
    .update(outbox)
    .set({ state: "cancelled", error: reason, leaseUntil: null, updatedAt: now })
    .where(and(eq(outbox.id, id), inArray(outbox.state, ["queued", "sending"])));
}

/** failed → queued for a user's retry (whatever the reason was), with a new horizon; still uncertain if it was. */
export async function retryFailedOutbox(db: Db, id: string, now: number, horizonMs: number): Promise<OutboxRow | undefined> {
  const [row] = await db
    .update(outbox)
    .set({ state: "queued", error: null, retryable: null, nextAttemptAt: now, deadlineAt: now + horizonMs, updatedAt: now })
    .where(and(eq(outbox.id, id), eq(outbox.state, "failed")))
    .returning();
  return row;
}

const RANK = { accepted: 1, delivered: 2, read: 3 } as const;

/** A receipt for our key.id moves the outbox row forward (never back). */
export function advanceOutboxStmt(db: Db, instanceId: string, externalId: string, state: "delivered" | "read") {
  const ranked = sql`CASE ${outbox.state} WHEN 'accepted' THEN ${RANK.accepted} WHEN 'delivered' THEN ${RANK.delivered} WHEN 'read' THEN ${RANK.read} ELSE 9 END`;
  return db
    .update(outbox)
    .set({ state, updatedAt: NOW })
    .where(and(eq(outbox.instanceId, instanceId), eq(outbox.externalId, externalId), sql`${ranked} < ${RANK[state]}`));
}

/**
 * What the sweeper must look at: claims whose lease ran out (the consumer died or hung), and
 * queued rows overdue by `stuckMs` (their queue message was lost), except those parked behind a
 * paused campaign (resume drives them).
 */
export async function stuckOutbox(db: Db, now: number, stuckMs: number, limit: number): Promise<OutboxRow[]> {
  return db
    .select()
    .from(outbox)
    .where(
      or(
        and(eq(outbox.state, "sending"), lt(outbox.leaseUntil, now)),
        and(
          eq(outbox.state, "queued"),
          lt(outbox.nextAttemptAt, now - stuckMs),
          or(
            isNull(outbox.campaignId),
            sql`EXISTS (SELECT 1 FROM ${campaigns} WHERE ${campaigns.id} = ${outbox.campaignId} AND ${campaigns.status} IN ('in_progress','cancelled','completed'))`,
          ),
        ),
      ),
    )
    .orderBy(asc(outbox.nextAttemptAt))
    .limit(limit);
}

/** Claims past their lease (at most ID_CHUNK ids) go back to queued, uncertain (they may have been sent). */
export function expireLeaseStmt(db: Db, ids: string[], now: number) {
  return db
    .update(outbox)
    .set({
      state: "queued",
      uncertain: true,
      leaseUntil: null,
      nextAttemptAt: now,
      error: "The send was interrupted; checking with Evolution before sending again",
      updatedAt: now,
    })
    .where(and(inArray(outbox.id, ids), eq(outbox.state, "sending"), lt(outbox.leaseUntil, now)));
}

/** Queued sends of an instance (re-driven when its breaker closes), optionally of one campaign. */
export async function queuedOutboxIds(db: Db, where: { instanceId?: string; campaignId?: string }, limit = 5000): Promise<string[]> {
  const rows = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.state, "queued"),
        where.instanceId ? eq(outbox.instanceId, where.instanceId) : undefined,
        where.campaignId ? eq(outbox.campaignId, where.campaignId) : undefined,
      ),
    )
    .orderBy(asc(outbox.createdAt))
    .limit(limit);
  return rows.map((r) => r.id);
}

/** Stores the outbox row of a message queued before the outbox existed, and points the message at it. */
export function linkOutboxStmt(db: Db, messageId: string, outboxId: string) {
  return db
    .update(messages)
    .set({ outboxId })
    .where(and(eq(messages.id, messageId), isNull(messages.outboxId)));
}

/** Points an accepted campaign/opt-out send at the conversation message its record inserted. */
export function linkMessageStmt(db: Db, id: string, instanceId: string, externalId: string) {
  return db
    .update(outbox)
    .set({ messageId: sql`(SELECT ${messages.id} FROM ${messages} WHERE ${messages.instanceId} = ${instanceId} AND ${messages.externalId} = ${externalId})` })
    .where(eq(outbox.id, id));
}

/** Due again now (a re-drive); a campaign's parked sends also get a new horizon. */
/** At most ID_CHUNK ids (redrive.ts chunks them). */
export function redriveStmt(db: Db, ids: string[], now: number, horizonMs: number) {
  return db
    .update(outbox)
    .set({
      nextAttemptAt: now,
      deadlineAt: sql`CASE WHEN ${outbox.campaignId} IS NULL THEN ${outbox.deadlineAt} ELSE max(${outbox.deadlineAt}, ${now + horizonMs}) END`,
      updatedAt: now,
    })
    .where(and(inArray(outbox.id, ids), eq(outbox.state, "queued")));
}

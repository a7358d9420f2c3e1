// Recipient state machine and the counters that mirror it. A recipient is
//   pending (attempts 0)  → claimed: pending with attempts ≥ 1 (a send may be on the wire)
//   claimed               → sent | failed   (with the counter, in ONE db.batch)
//   pending (attempts 0)  → skipped          (cancel, opt-out; counter in the same batch)
// Each counter statement is guarded by the same condition as the recipient statement it rides
// with, and both run in one transaction: sent + failed + skipped + pending = contact_count always.
import { and, asc, count, eq, getTableColumns, gt, isNull, lt, type SQL, sql } from "drizzle-orm";
import type { NewOutboxRow } from "../outbox/outbox.queries";
import type { Db } from "../platform/db/client";
import { campaigns, contacts, outbox, campaignRecipients as r } from "../platform/db/schema";

export type RecipientRow = typeof r.$inferSelect;
export type RecipientStatus = RecipientRow["status"];

const pk = (campaignId: string, contactId: string) => and(eq(r.campaignId, campaignId), eq(r.contactId, contactId));
const stillClaimed = (campaignId: string, contactId: string) =>
  sql`EXISTS (SELECT 1 FROM ${r} WHERE ${r.campaignId} = ${campaignId} AND ${r.contactId} = ${contactId} AND ${r.status} = 'pending' AND ${r.attempts} > 0)`;
const stillUnclaimed = (campaignId: string, contactId: string) =>
  sql`EXISTS (SELECT 1 FROM ${r} WHERE ${r.campaignId} = ${campaignId} AND ${r.contactId} = ${contactId} AND ${r.status} = 'pending' AND ${r.attempts} = 0)`;

/** Unclaimed recipients after `after` in primary-key order: what the clock hands to the queue next. */
export async function nextUnclaimed(db: Db, campaignId: string, after: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: r.contactId })
    .from(r)
    .where(and(eq(r.campaignId, campaignId), gt(r.contactId, after), eq(r.status, "pending"), eq(r.attempts, 0)))
    .orderBy(asc(r.contactId))
    .limit(limit);
  return rows.map((x) => x.id);
}

/**
 * Whether a campaign send to this contact from this instance is claimed but not yet recorded:
 * its send.message echo can arrive before the sender has stored the message (EVOLUTION.md §3.7).
 */
export async function campaignSendInFlight(db: Db, instanceId: string, contactId: string): Promise<boolean> {
  return (await campaignSendInFlightQuery(db, instanceId, contactId)).length > 0;
}

/** campaignSendInFlight as a query for a shared batch (a row when one is), the contact possibly a subquery. */
export function campaignSendInFlightQuery(db: Db, instanceId: string, contactId: string | SQL) {
  return db
    .select({ id: r.contactId })
    .from(r)
    .innerJoin(campaigns, eq(campaigns.id, r.campaignId))
    .where(and(eq(r.contactId, contactId), eq(r.status, "pending"), gt(r.attempts, 0), eq(campaigns.instanceId, instanceId)))
    .limit(1);
}

type Counter = "sent" | "failed" | "skipped";

/**
 * A pending recipient's move to an outcome, with its counter: both guarded by the same state
 * (claimed, or never claimed), so in one batch they change together or not at all.
 */
function outcomeStmts(db: Db, campaignId: string, contactId: string, claimed: boolean, counter: Counter, patch: Partial<RecipientRow>, now: number) {
  const still = claimed ? stillClaimed : stillUnclaimed;
  return [
    db
      .update(campaigns)
      .set({ [counter]: sql`${campaigns[counter]} + 1`, updatedAt: now })
      .where(and(eq(campaigns.id, campaignId), still(campaignId, contactId))),
    db
      .update(r)
      .set({ ...patch, updatedAt: now })
      .where(and(pk(campaignId, contactId), eq(r.status, "pending"), claimed ? gt(r.attempts, 0) : eq(r.attempts, 0))),
  ] as const;
}

export const recordSentStmts = (db: Db, campaignId: string, contactId: string, messageId: string, now: number) =>
  outcomeStmts(db, campaignId, contactId, true, "sent", { status: "sent", messageId, error: null, sentAt: now }, now);

export const recordFailedStmts = (db: Db, campaignId: string, contactId: string, error: string, now: number) =>
  outcomeStmts(db, campaignId, contactId, true, "failed", { status: "failed", error: error.slice(0, 1000) }, now);

/** A claimed recipient whose send was called off (campaign cancelled, opted out since the hand-out) → skipped. */
export const skipClaimedStmts = (db: Db, campaignId: string, contactId: string, reason: string, now: number) =>
  outcomeStmts(db, campaignId, contactId, true, "skipped", { status: "skipped", error: reason }, now);

/** An unclaimed recipient that must not be sent (opted out since the snapshot) → skipped. */
export const skipStmts = (db: Db, campaignId: string, contactId: string, reason: string, now: number) =>
  outcomeStmts(db, campaignId, contactId, false, "skipped", { status: "skipped", error: reason }, now);

/**
 * Claims from before the outbox older than `before` whose outcome was never recorded (the
 * consumer died between the Evolution call and the record): failed with an explicit error,
 * never re-sent — nothing can tell whether they went out.
 */
export async function failStaleClaims(db: Db, campaignId: string, before: number, now: number): Promise<void> {
  // Claims with an outbox row are the outbox's to settle (it reconciles, retries and sweeps them).
  const stale = and(eq(r.campaignId, campaignId), eq(r.status, "pending"), gt(r.attempts, 0), isNull(r.outboxId), lt(r.updatedAt, before));
  await db.batch([
    db
      .update(campaigns)
      .set({ failed: sql`${campaigns.failed} + (SELECT count(*) FROM ${r} WHERE ${stale})`, updatedAt: now })
      .where(eq(campaigns.id, campaignId)),
    db
      .update(r)
      .set({
        status: "failed",
        error: "Interrupted during the send; not retried so the contact never gets it twice (it may have been delivered)",
        updatedAt: now,
      })
      .where(stale),
  ]);
}

/** Pending recipients split into never-claimed and claimed (in flight). */
export async function pendingSplit(db: Db, campaignId: string): Promise<{ unclaimed: number; claimed: number; oldestClaim: number | null }> {
  const [row] = await db
    .select({
      unclaimed: sql<number>`coalesce(sum(${r.attempts} = 0), 0)`,
      claimed: sql<number>`coalesce(sum(${r.attempts} > 0), 0)`,
      oldestClaim: sql<number | null>`min(CASE WHEN ${r.attempts} > 0 AND ${r.outboxId} IS NULL THEN ${r.updatedAt} END)`,
    })
    .from(r)
    .where(and(eq(r.campaignId, campaignId), eq(r.status, "pending")));
  return { unclaimed: Number(row?.unclaimed ?? 0), claimed: Number(row?.claimed ?? 0), oldestClaim: row?.oldestClaim ?? null };
}

export async function statusCounts(db: Db, campaignId: string): Promise<Partial<Record<RecipientStatus, number>>> {
  const rows = await db.select({ status: r.status, n: count() }).from(r).where(eq(r.campaignId, campaignId)).groupBy(r.status);
  return Object.fromEntries(rows.map((x) => [x.status, x.n]));
}

/** One page of recipients with the contact's name and number, in contact-id order. */
export async function listRecipients(db: Db, campaignId: string, status: RecipientStatus | undefined, after: string | undefined, limit: number) {
  return db
    .select({ recipient: r, name: contacts.name, number: contacts.whatsappNumber })
    .from(r)
    .leftJoin(contacts, eq(contacts.id, r.contactId))
    .where(and(eq(r.campaignId, campaignId), status ? eq(r.status, status) : undefined, after ? gt(r.contactId, after) : undefined))
    .orderBy(asc(r.contactId))
    .limit(limit);
}

/**
 * The hand-out of one recipient, for a db.batch: the claim (unclaimed, campaign running) names
 * its outbox row, and the row is stored only if that claim took — so a recipient has at most one
 * send, and a send never exists for a recipient the campaign did not give it.
 */
export function claimForSendStmts(db: Db, campaignId: string, contactId: string, send: NewOutboxRow & { id: string }, now: number) {
  // drizzle's INSERT … SELECT wants every column, in table order (the defaults spelled out).
  const full: Record<string, unknown> = {
    attempts: 0,
    uncertain: 0,
    externalId: null,
    firstAttemptAt: null,
    leaseUntil: null,
    error: null,
    retryable: null,
    ...send,
  };
  const fields = Object.fromEntries(Object.entries(getTableColumns(outbox)).map(([key, col]) => [key, sql`${full[key] ?? null}`.as(col.name)])) as Record<
    keyof typeof outbox.$inferInsert,
    SQL.Aliased
  >;
  return [
    db
      .update(r)
      .set({ attempts: sql`${r.attempts} + 1`, outboxId: send.id, updatedAt: now })
      .where(
        and(
          pk(campaignId, contactId),
          eq(r.status, "pending"),
          eq(r.attempts, 0),
          sql`EXISTS (SELECT 1 FROM ${campaigns} WHERE ${campaigns.id} = ${campaignId} AND ${campaigns.status} = 'in_progress')`,
        ),
      )
      .returning({ contactId: r.contactId }),
    db
      .insert(outbox)
      .select(
        db
          .select(fields)
          .from(r)
          .where(and(pk(campaignId, contactId), eq(r.outboxId, send.id))),
      )
      .onConflictDoNothing(),
  ] as const;
}

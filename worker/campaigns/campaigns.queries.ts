// Campaign rows: create, read, list, audience, and the status transitions. Every transition is
// one conditional statement (or one db.batch), so concurrent requests cannot double-apply it.
import { and, count, desc, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import { idIn, type TagMatch, taggedIds } from "../contacts/filter.queries";
import type { Db } from "../platform/db/client";
import { agents, campaignMessages, campaignRecipients, campaigns, contacts, instances } from "../platform/db/schema";
import type { Cursor } from "../platform/lib/pagination";

export type CampaignRow = typeof campaigns.$inferSelect;
export type CampaignMessageRow = typeof campaignMessages.$inferSelect;
export type CampaignStatus = CampaignRow["status"];
export type CampaignWithMessage = CampaignRow & { message: CampaignMessageRow | null; instanceName: string | null };
export type Audience = { tags: string[]; match: TagMatch; contactIds: string[] };

export async function insertCampaign(db: Db, row: typeof campaigns.$inferInsert, message: typeof campaignMessages.$inferInsert): Promise<void> {
  // The two rows reference each other: insert both, then link the starting message.
  await db.batch([
    db.insert(campaigns).values(row),
    db.insert(campaignMessages).values(message),
    db.update(campaigns).set({ startingCampaignMessageId: message.id }).where(eq(campaigns.id, row.id)),
  ]);
}

const withMessage = {
  campaign: campaigns,
  message: campaignMessages,
  instanceName: instances.name,
};

function flatten(r: { campaign: CampaignRow; message: CampaignMessageRow | null; instanceName: string | null }): CampaignWithMessage {
  return { ...r.campaign, message: r.message, instanceName: r.instanceName };
}

export async function getCampaign(db: Db, id: string): Promise<CampaignWithMessage | undefined> {
  const r = await db
    .select(withMessage)
    .from(campaigns)
    .leftJoin(campaignMessages, eq(campaignMessages.id, campaigns.startingCampaignMessageId))
    .leftJoin(instances, eq(instances.id, campaigns.instanceId))
    .where(eq(campaigns.id, id))
    .get();
  return r ? flatten(r) : undefined;
}

export async function getCampaigns(db: Db, ids: string[]): Promise<CampaignRow[]> {
  if (!ids.length) return [];
  return db.select().from(campaigns).where(inArray(campaigns.id, ids));
}

/** Newest first; the list view needs no message bodies (attachments can be large). */
export async function listCampaigns(db: Db, status: CampaignStatus | undefined, cursor: Cursor | undefined, limit: number) {
  return db
    .select({ campaign: campaigns, instanceName: instances.name })
    .from(campaigns)
    .leftJoin(instances, eq(instances.id, campaigns.instanceId))
    .where(
      and(
        status ? eq(campaigns.status, status) : undefined,
        cursor ? sql`(${campaigns.createdAt}, ${campaigns.id}) < (${Number(cursor.v)}, ${cursor.id})` : undefined,
      ),
    )
    .orderBy(desc(campaigns.createdAt), desc(campaigns.id))
    .limit(limit);
}

/** Contacts in the audience: carrying the tags, or picked by id — never an opted-out one. */
export function audienceWhere(a: Audience): SQL | undefined {
  const byTags = a.tags.length ? sql`${contacts.id} IN (${taggedIds(a.tags, a.match)})` : undefined;
  const byIds = a.contactIds.length ? idIn(a.contactIds) : undefined;
  const chosen = byTags && byIds ? or(byTags, byIds) : (byTags ?? byIds ?? sql`0`);
  return and(chosen, eq(contacts.optedOut, false));
}

export async function countAudience(db: Db, a: Audience) {
  const [n, sample] = await db.batch([
    db.select({ n: count() }).from(contacts).where(audienceWhere(a)),
    db
      .select({ name: contacts.name, country: contacts.country, number: contacts.whatsappNumber })
      .from(contacts)
      .where(and(audienceWhere(a), sql`${contacts.name} IS NOT NULL`))
      .limit(1),
  ]);
  return { count: n[0]?.n ?? 0, sample: sample[0] ?? null };
}

/**
 * Start: snapshot the audience into campaign_recipients with ONE INSERT … SELECT (no per-row
 * bound parameters, so D1's 100-parameter cap never applies) and set contact_count from what
 * was inserted — in one batch, guarded on the campaign still being startable.
 */
export async function startCampaign(db: Db, id: string, a: Audience, now: number): Promise<CampaignRow | undefined> {
  const startable = sql`EXISTS (SELECT 1 FROM ${campaigns} WHERE ${campaigns.id} = ${id} AND ${campaigns.status} IN ('pending', 'scheduled'))`;
  const [, updated] = await db.batch([
    db
      .insert(campaignRecipients)
      .select(
        db
          // drizzle's INSERT … SELECT wants every column, in table order.
          .select({
            campaignId: sql<string>`${id}`.as("campaign_id"),
            contactId: contacts.id,
            status: sql<"pending">`'pending'`.as("status"),
            messageId: sql<null>`NULL`.as("message_id"),
            outboxId: sql<null>`NULL`.as("outbox_id"),
            error: sql<null>`NULL`.as("error"),
            attempts: sql<number>`0`.as("attempts"),
            sentAt: sql<null>`NULL`.as("sent_at"),
            updatedAt: sql<number>`${now}`.as("updated_at"),
          })
          .from(contacts)
          .where(and(audienceWhere(a), startable)),
      )
      .onConflictDoNothing(),
    db
      .update(campaigns)
      .set({
        status: "in_progress",
        contactCount: sql`(SELECT count(*) FROM ${campaignRecipients} WHERE ${campaignRecipients.campaignId} = ${id})`,
        startedAt: now,
        pauseReason: null,
        updatedAt: now,
      })
      .where(and(eq(campaigns.id, id), inArray(campaigns.status, ["pending", "scheduled"])))
      .returning(),
  ]);
  return updated[0];
}

export async function setScheduled(db: Db, id: string, at: number, now: number): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({ status: "scheduled", scheduledAt: at, updatedAt: now })
    .where(and(eq(campaigns.id, id), inArray(campaigns.status, ["pending", "scheduled"])))
    .returning();
  return row;
}

/** in_progress (or scheduled) → paused. Returns the row when it changed. */
export async function pauseCampaign(
  db: Db,
  id: string,
  reason: string | null,
  by: NonNullable<CampaignRow["pausedBy"]>,
  now: number,
): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({ status: "paused", pauseReason: reason, pausedBy: by, updatedAt: now })
    .where(
      and(
        eq(campaigns.id, id),
        // A user may also pause a campaign paused automatically: then only a user resumes it.
        by === "user"
          ? sql`(${campaigns.status} = 'in_progress' OR (${campaigns.status} = 'paused' AND ${campaigns.pausedBy} IS NOT 'user'))`
          : eq(campaigns.status, "in_progress"),
      ),
    )
    .returning();
  return row;
}

export async function resumeCampaign(db: Db, id: string, now: number): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({ status: "in_progress", pauseReason: null, pausedBy: null, updatedAt: now })
    .where(and(eq(campaigns.id, id), eq(campaigns.status, "paused")))
    .returning();
  return row;
}

/**
 * Cancel: every recipient not yet claimed becomes skipped and the skipped counter is recounted
 * from the rows, in one batch. Claimed (in-flight) recipients finish as sent or failed.
 */
export async function cancelCampaign(db: Db, id: string, now: number): Promise<CampaignRow | undefined> {
  const unclaimed = and(eq(campaignRecipients.campaignId, id), eq(campaignRecipients.status, "pending"), eq(campaignRecipients.attempts, 0));
  const cancellable = and(eq(campaigns.id, id), inArray(campaigns.status, ["pending", "scheduled", "in_progress", "paused"]));
  const [, , updated] = await db.batch([
    db.update(campaigns).set({ status: "cancelled", completedAt: now, updatedAt: now }).where(cancellable),
    db
      .update(campaignRecipients)
      .set({ status: "skipped", error: "Campaign cancelled", updatedAt: now })
      .where(and(unclaimed, sql`(SELECT ${campaigns.status} FROM ${campaigns} WHERE ${campaigns.id} = ${id}) = 'cancelled'`)),
    db
      .update(campaigns)
      .set({
        skipped: sql`(SELECT count(*) FROM ${campaignRecipients} WHERE ${campaignRecipients.campaignId} = ${id} AND ${campaignRecipients.status} = 'skipped')`,
      })
      .where(and(eq(campaigns.id, id), eq(campaigns.status, "cancelled"), eq(campaigns.updatedAt, now)))
      .returning(),
  ]);
  return updated[0];
}

/** in_progress → completed once every recipient is settled (counters are exact, so they tell). */
export function completeStmt(db: Db, id: string, now: number) {
  return db
    .update(campaigns)
    .set({ status: "completed", completedAt: now, updatedAt: now })
    .where(
      and(
        eq(campaigns.id, id),
        eq(campaigns.status, "in_progress"),
        sql`${campaigns.sent} + ${campaigns.failed} + ${campaigns.skipped} >= ${campaigns.contactCount}`,
      ),
    )
    .returning({ id: campaigns.id });
}

/** The campaign attachment now lives in R2 under `key` (the inline copy is dropped). */
export async function setAttachmentKey(db: Db, messageId: string, key: string): Promise<void> {
  await db.update(campaignMessages).set({ attachmentKey: key, attachmentBase64: null }).where(eq(campaignMessages.id, messageId));
}

/** This instance's running campaigns (the breaker pauses them), or those its breaker paused (it resumes them). */
export async function campaignsOn(db: Db, instanceId: string, which: "running" | "breaker-paused"): Promise<string[]> {
  const rows = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(
      and(
        eq(campaigns.instanceId, instanceId),
        which === "running" ? eq(campaigns.status, "in_progress") : and(eq(campaigns.status, "paused"), eq(campaigns.pausedBy, "breaker")),
      ),
    );
  return rows.map((r) => r.id);
}

/** Campaigns due to start: scheduled with scheduled_at at or before `now`. */
export async function dueScheduled(db: Db, instanceId: string, now: number): Promise<CampaignRow[]> {
  return db
    .select()
    .from(campaigns)
    .where(and(eq(campaigns.instanceId, instanceId), eq(campaigns.status, "scheduled"), sql`${campaigns.scheduledAt} <= ${now}`));
}

export async function updateCampaignStatus(db: Db, id: string, from: CampaignStatus, to: CampaignStatus, now: number): Promise<CampaignRow | undefined> {
  const [row] = await db
    .update(campaigns)
    .set({ status: to, updatedAt: now })
    .where(and(eq(campaigns.id, id), eq(campaigns.status, from)))
    .returning();
  return row;
}

export async function agentExists(db: Db, id: string): Promise<boolean> {
  return Boolean(await db.select({ id: agents.id }).from(agents).where(eq(agents.id, id)).get());
}

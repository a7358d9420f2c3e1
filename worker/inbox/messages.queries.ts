// Message rows. (instance_id, external_id) is unique: Evolution's key.id is the dedupe key, and
// status only ever moves forward (pending|failed → sent → delivered → read).
import { and, asc, desc, eq, inArray, isNull, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteInsertValue } from "drizzle-orm/sqlite-core";
import type { Db } from "../platform/db/client";
import { contacts, conversations, instances, messages } from "../platform/db/schema";
import { type Cursor, keysetValue } from "../platform/lib/pagination";

export type MessageRow = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;
export type MessageStatus = MessageRow["status"];

const NOW = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

/** INSERT OR IGNORE on the external id; RETURNING is empty for a duplicate. */
export function insertMessageStmt(db: Db, row: SQLiteInsertValue<typeof messages>) {
  return db.insert(messages).values(row).onConflictDoNothing().returning({ id: messages.id, conversationId: messages.conversationId });
}

export async function getMessage(db: Db, id: string): Promise<MessageRow | undefined> {
  return db.select().from(messages).where(eq(messages.id, id)).get();
}

export function byExternalQuery(db: Db, instanceId: string, externalId: string) {
  return db
    .select({ id: messages.id, conversationId: messages.conversationId, status: messages.status })
    .from(messages)
    .where(and(eq(messages.instanceId, instanceId), eq(messages.externalId, externalId)))
    .limit(1);
}

/** One page, newest first (the route reverses it); cursor = (timestamp, id) of the oldest shown. */
export async function listMessages(db: Db, conversationId: string, before: Cursor | undefined, limit: number): Promise<MessageRow[]> {
  return db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        before ? sql`(${messages.timestamp}, ${messages.id}) < (${keysetValue(before.v)}, ${before.id})` : undefined,
      ),
    )
    .orderBy(desc(messages.timestamp), desc(messages.id))
    .limit(limit);
}

const RANK = sql`CASE ${messages.status} WHEN 'read' THEN 3 WHEN 'delivered' THEN 2 WHEN 'sent' THEN 1 ELSE 0 END`;
const RANK_OF: Record<MessageStatus, number> = { pending: 0, failed: 0, sent: 1, delivered: 2, read: 3 };

/**
 * Moves a message's status forward by its external id, never back. `failed` applies only to a
 * message still pending (Evolution's ERROR ack).
 */
export function advanceStatusStmt(db: Db, instanceId: string, externalId: string, status: MessageStatus) {
  const forward = status === "failed" ? eq(messages.status, "pending") : sql`${RANK} < ${RANK_OF[status]}`;
  return db
    .update(messages)
    .set({ status, ...(status === "failed" ? { error: "WhatsApp reported an error delivering this message" } : { error: null }), updatedAt: NOW })
    .where(and(eq(messages.instanceId, instanceId), eq(messages.externalId, externalId), forward))
    .returning({ id: messages.id, conversationId: messages.conversationId });
}

export function markDeletedStmt(db: Db, instanceId: string, externalId: string, at: number) {
  return db
    .update(messages)
    .set({ deletedAt: at, updatedAt: NOW })
    .where(and(eq(messages.instanceId, instanceId), eq(messages.externalId, externalId), isNull(messages.deletedAt)))
    .returning({ id: messages.id, conversationId: messages.conversationId });
}

/** Who sends through Evolution's API from Parley (a menu's answers go out as `workflow`). */
export const OUR_SENDERS = ["user", "agent", "campaign", "workflow"] as const satisfies readonly MessageRow["sender"][];

/** Appended to a send's failure when Evolution may have sent it anyway (a timed-out send). */
export const MAYBE_DELIVERED = "(it may still have been delivered)";
/** How long such a failed send may still be claimed by its echo. */
const MAYBE_DELIVERED_MS = 60 * 60 * 1000;

/**
 * Our outbound messages to this contact on this instance that may still get Evolution's key.id:
 * pending ones, then recent failed ones whose send may have gone out all the same (a send that
 * timed out on our side). A send that failed for sure is never a candidate: an echo like it is
 * another API client's message. Oldest first.
 */
export function unmatchedOutbound(db: Db, instanceId: string, contactId: string | SQL) {
  return db
    .select({
      id: messages.id,
      type: messages.type,
      content: messages.content,
      caption: messages.caption,
      mimeType: messages.mimeType,
      fileName: messages.fileName,
      status: messages.status,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(
      and(
        eq(messages.instanceId, instanceId),
        eq(conversations.contactId, contactId),
        eq(messages.fromMe, true),
        isNull(messages.externalId),
        or(
          eq(messages.status, "pending"),
          and(
            eq(messages.status, "failed"),
            sql`instr(${messages.error}, ${MAYBE_DELIVERED}) > 0`,
            sql`${messages.updatedAt} > ${NOW} - ${MAYBE_DELIVERED_MS}`,
          ),
        ),
        inArray(messages.sender, OUR_SENDERS),
      ),
    )
    .orderBy(sql`${messages.status} = 'failed'`, asc(messages.timestamp))
    .limit(20);
}

/** Attaches Evolution's key.id to our message; pending/failed become sent (Evolution accepted it). */
export function attachExternalIdStmt(db: Db, id: string, externalId: string | null) {
  return db
    .update(messages)
    .set({ externalId, status: sql`CASE WHEN ${messages.status} IN ('pending','failed') THEN 'sent' ELSE ${messages.status} END`, error: null, updatedAt: NOW })
    .where(eq(messages.id, id))
    .returning({ id: messages.id, conversationId: messages.conversationId });
}

export function clearExternalIdStmt(db: Db, id: string) {
  return db.update(messages).set({ externalId: null }).where(eq(messages.id, id));
}

/**
 * The message holding an external id; `fromWebhook` when it was stored from a delivery (an
 * echo or upsert carries its raw payload; our own sends never do).
 */
export async function holderOfExternalId(db: Db, instanceId: string, externalId: string) {
  return db
    .select({
      id: messages.id,
      conversationId: messages.conversationId,
      status: messages.status,
      deletedAt: messages.deletedAt,
      fromWebhook: sql<number>`${messages.raw} IS NOT NULL`,
    })
    .from(messages)
    .where(and(eq(messages.instanceId, instanceId), eq(messages.externalId, externalId)))
    .get();
}

export function deleteMessageStmt(db: Db, id: string) {
  return db.delete(messages).where(eq(messages.id, id)).returning({ id: messages.id, conversationId: messages.conversationId });
}

/** The message with what a send needs: contact number, instance name and token. */
export async function loadForSend(db: Db, id: string) {
  return db
    .select({ message: messages, number: contacts.whatsappNumber, instanceName: instances.name, token: instances.evolutionToken, instanceId: instances.id })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(instances, eq(instances.id, messages.instanceId))
    .where(eq(messages.id, id))
    .get();
}

export async function loadForMedia(db: Db, id: string) {
  return db
    .select({ message: messages, instanceName: instances.name, token: instances.evolutionToken })
    .from(messages)
    .leftJoin(instances, eq(instances.id, messages.instanceId))
    .where(eq(messages.id, id))
    .get();
}

export async function updateMessage(db: Db, id: string, patch: Partial<Pick<MessageRow, "mediaKey" | "mimeType" | "fileName" | "error" | "status">>) {
  const [row] = await db
    .update(messages)
    .set({ ...patch, updatedAt: NOW })
    .where(eq(messages.id, id))
    .returning();
  return row;
}

/** Why a pending message of ours is not out yet (waiting for the WhatsApp server, retrying), shown on its bubble. */
export function pendingNoteStmt(db: Db, id: string, note: string) {
  return db
    .update(messages)
    .set({ error: note.slice(0, 1000), updatedAt: NOW })
    .where(and(eq(messages.id, id), eq(messages.status, "pending"), isNull(messages.externalId)))
    .returning({ id: messages.id, conversationId: messages.conversationId });
}

/** pending → failed with the reason (a message already sent stays sent). */
export function failPendingStmt(db: Db, id: string, error: string) {
  return db
    .update(messages)
    .set({ status: "failed", error, updatedAt: NOW })
    .where(and(eq(messages.id, id), eq(messages.status, "pending"), isNull(messages.externalId)))
    .returning({ id: messages.id, conversationId: messages.conversationId });
}

/** failed → pending for a retry from the dashboard. */
export async function requeueFailed(db: Db, id: string) {
  const [row] = await db
    .update(messages)
    .set({ status: "pending", error: null, updatedAt: NOW })
    .where(and(eq(messages.id, id), eq(messages.status, "failed"), eq(messages.fromMe, true), isNull(messages.externalId)))
    .returning();
  return row;
}

/**
 * WhatsApp stamps messages to the second, so two in one second would tie and sort at random.
 * A whole-second time becomes the next free millisecond of that second in the conversation:
 * messages applied in arrival order (one writer per instance) keep that order.
 */
export function orderedTimestampSql(conversationId: SQL<string>, ms: number): SQL<number> | number {
  if (ms % 1000 !== 0) return ms;
  return sql<number>`(SELECT max(${ms}, coalesce(max(${messages.timestamp}) + 1, 0)) FROM ${messages} WHERE ${messages.conversationId} = ${conversationId} AND ${messages.timestamp} >= ${ms} AND ${messages.timestamp} <= ${ms + 999})`;
}

/** A message's stored timestamp, for a later statement of the batch that inserts it. */
export function messageTimestampSql(id: string): SQL<number> {
  return sql<number>`(SELECT ${messages.timestamp} FROM ${messages} WHERE ${messages.id} = ${id})`;
}

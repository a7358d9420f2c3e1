// Conversations: one active per (instance, contact), enforced by conversations_active_uq.
import { and, desc, eq, isNull, like, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { contacts, conversationState, conversations, users } from "../platform/db/schema";
import { type Cursor, keysetValue } from "../platform/lib/pagination";

export type ConversationRow = typeof conversations.$inferSelect;
/** A conversation with its contact's current number/name, its assignee's name and the menu it is in, if any. */
export type ConversationListRow = ConversationRow & {
  contactNumber: string;
  currentContactName: string | null;
  assigneeName: string | null;
  flow: { name: string; step: string; expiresAt: number } | null;
};

const NOW = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;
const sortKey = sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`;

type NewConversation = { id: string; instanceId: string; instanceName: string; contactId: string; contactName: string | null };
/** A conversation for a write: its id, or the active one's id as a subquery (activeConversationIdSql). */
export type ConversationRef = string | SQL<string>;

/** The insert half of find-or-create: a no-op (empty RETURNING) when an active one exists. */
export function insertConversationStmt(db: Db, c: NewConversation) {
  return db.insert(conversations).values(c).onConflictDoNothing().returning({ id: conversations.id });
}

/** The active conversation's id for (instance, contact), as a subquery for a write in the same batch. */
export function activeConversationIdSql(instanceId: string, contactId: string): SQL<string> {
  return sql<string>`(SELECT ${conversations.id} FROM ${conversations} WHERE ${conversations.instanceId} = ${instanceId} AND ${conversations.contactId} = ${contactId} AND ${conversations.status} = 'active')`;
}

/** Race-safe find-or-create: the insert is a no-op when an active one exists; both run in one batch. */
export async function findOrCreateActive(db: Db, c: NewConversation): Promise<{ row: ConversationRow; created: boolean }> {
  const [inserted, found] = await db.batch([insertConversationStmt(db, c), activeQuery(db, c.instanceId, c.contactId)]);
  const row = found[0];
  if (!row) throw new Error("active conversation missing after insert");
  return { row, created: inserted.length > 0 && inserted[0]?.id === row.id };
}

/** The contacts of an instance's most recently active conversations, newest first. */
export function recentActiveContacts(db: Db, instanceId: string, limit: number) {
  return db
    .select({ id: contacts.id, name: contacts.name, number: contacts.whatsappNumber })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(and(eq(conversations.instanceId, instanceId), eq(conversations.status, "active")))
    .orderBy(desc(conversations.lastMessageAt))
    .limit(limit);
}

export function activeQuery(db: Db, instanceId: string, contactId: string) {
  return db
    .select()
    .from(conversations)
    .where(and(eq(conversations.instanceId, instanceId), eq(conversations.contactId, contactId), eq(conversations.status, "active")))
    .limit(1);
}

const listColumns = {
  row: conversations,
  contactNumber: contacts.whatsappNumber,
  currentContactName: contacts.name,
  assigneeName: users.name,
  flowName: conversationState.conversationFlow,
  flowStep: conversationState.currentStep,
  flowExpiresAt: conversationState.expiresAt,
};

// The menu state is per (instance, contact); the conversation shows it while it is running.
const flowJoin = and(eq(conversationState.instanceId, conversations.instanceId), eq(conversationState.contactId, conversations.contactId));

type ListSelect = {
  row: ConversationRow;
  contactNumber: string;
  currentContactName: string | null;
  assigneeName: string | null;
  flowName: string | null;
  flowStep: string | null;
  flowExpiresAt: number | null;
};

function flatten(r: ListSelect, now = Date.now()): ConversationListRow {
  const running = r.flowName !== null && r.flowStep !== null && r.flowExpiresAt !== null && r.flowExpiresAt > now;
  return {
    ...r.row,
    contactNumber: r.contactNumber,
    currentContactName: r.currentContactName,
    assigneeName: r.assigneeName,
    flow: running ? { name: r.flowName!, step: r.flowStep!, expiresAt: r.flowExpiresAt! } : null,
  };
}

export async function getConversation(db: Db, id: string): Promise<ConversationListRow | undefined> {
  const r = await db
    .select(listColumns)
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(conversationState, flowJoin)
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .where(eq(conversations.id, id))
    .get();
  return r ? flatten(r) : undefined;
}

export type ConversationFilter = {
  instanceId?: string;
  q?: string;
  status?: "active" | "archived" | "all";
  /** An agent: only conversations on their units' instances. */
  scopeUserId?: string;
  /** A user id: assigned to them; null: assigned to nobody. */
  assigneeId?: string | null;
};

/** Newest activity first; the cursor is (coalesce(last_message_at, created_at), id). */
export async function listConversations(db: Db, f: ConversationFilter, cursor: Cursor | undefined, limit: number): Promise<ConversationListRow[]> {
  const conds: (SQL | undefined)[] = [];
  if (f.instanceId) conds.push(eq(conversations.instanceId, f.instanceId));
  // An agent's scope: the instances of their units only.
  if (f.scopeUserId)
    conds.push(
      sql`${conversations.instanceId} IN (SELECT i.id FROM instances i JOIN unit_members m ON m.unit_id = i.unit_id WHERE m.user_id = ${f.scopeUserId})`,
    );
  if (f.assigneeId !== undefined) conds.push(f.assigneeId === null ? isNull(conversations.assigneeId) : eq(conversations.assigneeId, f.assigneeId));
  if (f.status !== "all") conds.push(eq(conversations.status, f.status ?? "active"));
  if (f.q) {
    const pattern = `%${f.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    const digits = f.q.replace(/\D/g, "");
    conds.push(
      or(
        sql`${contacts.name} LIKE ${pattern} ESCAPE '\\'`,
        sql`${conversations.lastMessageContent} LIKE ${pattern} ESCAPE '\\'`,
        digits.length >= 2 ? like(contacts.whatsappNumber, `%${digits}%`) : undefined,
      ),
    );
  }
  if (cursor) conds.push(sql`(${sortKey}, ${conversations.id}) < (${keysetValue(cursor.v)}, ${cursor.id})`);
  const rows = await db
    .select(listColumns)
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .leftJoin(conversationState, flowJoin)
    .leftJoin(users, eq(users.id, conversations.assigneeId))
    .where(and(...conds))
    .orderBy(desc(sortKey), desc(conversations.id))
    .limit(limit);
  return rows.map(flatten);
}

export const conversationSortValue = (r: ConversationRow) => r.lastMessageAt ?? r.createdAt;

export async function updateConversation(db: Db, id: string, patch: Partial<Pick<ConversationRow, "unreadCount" | "status" | "agentPaused" | "agentError">>) {
  const [row] = await db
    .update(conversations)
    .set({ ...patch, updatedAt: NOW })
    .where(eq(conversations.id, id))
    .returning();
  return row;
}

/**
 * Moves the conversation's last message forward (never back: a late, older message does not
 * replace a newer preview) and counts an inbound message as unread. With `onlyIfMessage` the
 * change applies only when that message row exists — the statement rides in one batch after an
 * INSERT OR IGNORE, so a duplicate delivery changes nothing. `at` may be that message's
 * stored timestamp (see messageTimestampSql).
 */
export function touchConversationStmt(db: Db, id: ConversationRef, m: { preview: string; at: number | SQL<number>; inbound: boolean; onlyIfMessage?: string }) {
  const newer = sql`coalesce(${conversations.lastMessageAt}, 0) <= ${m.at}`;
  return db
    .update(conversations)
    .set({
      lastMessageContent: sql`CASE WHEN ${newer} THEN ${m.preview} ELSE ${conversations.lastMessageContent} END`,
      lastMessageAt: sql`max(coalesce(${conversations.lastMessageAt}, 0), ${m.at})`,
      unreadCount: m.inbound ? sql`${conversations.unreadCount} + 1` : conversations.unreadCount,
      updatedAt: NOW,
    })
    .where(and(eq(conversations.id, id), m.onlyIfMessage ? sql`EXISTS (SELECT 1 FROM messages WHERE id = ${m.onlyIfMessage})` : undefined))
    .returning({ id: conversations.id });
}

/** What the conversation list shows for a last message that was deleted (the thread hides it too). */
export const DELETED_PREVIEW = "[deleted]";

/**
 * After a delete in the same batch: when the deleted message is its conversation's latest, the
 * preview stops showing (and search stops finding) its text.
 */
export function previewDeletedStmt(db: Db, instanceId: string, externalId: string) {
  return db
    .update(conversations)
    .set({ lastMessageContent: DELETED_PREVIEW, updatedAt: NOW })
    .where(
      sql`${conversations.id} IN (SELECT m.conversation_id FROM messages m WHERE m.instance_id = ${instanceId} AND m.external_id = ${externalId} AND m.deleted_at IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM messages n WHERE n.conversation_id = m.conversation_id AND (n.timestamp, n.id) > (m.timestamp, m.id)))`,
    )
    .returning({ id: conversations.id });
}

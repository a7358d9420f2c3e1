// Reads and writes of the agent reply pipeline (worker/agents/ai-reply.queue.ts): the conversation
// with its contact, the latest inbound message (debounce), what was said since (ownership
// lock, idempotency) and the recent history for the prompt.
import { and, desc, eq, gt, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { contacts, conversations, messages } from "../platform/db/schema";

const NOW = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export type ConversationRow = typeof conversations.$inferSelect;
export type ContactRow = typeof contacts.$inferSelect;
export type HistoryRow = Pick<typeof messages.$inferSelect, "id" | "type" | "fromMe" | "sender" | "content" | "caption" | "fileName" | "timestamp">;

export async function conversationWithContact(db: Db, id: string): Promise<{ conversation: ConversationRow; contact: ContactRow } | undefined> {
  return db
    .select({ conversation: conversations, contact: contacts })
    .from(conversations)
    .innerJoin(contacts, eq(contacts.id, conversations.contactId))
    .where(eq(conversations.id, id))
    .get();
}

export async function getAgentState(db: Db, conversationId: string) {
  return db
    .select({ agentId: conversations.agentId, agentPaused: conversations.agentPaused, status: conversations.status })
    .from(conversations)
    .where(eq(conversations.id, conversationId))
    .get();
}

/** The contact's newest message in the conversation (by WhatsApp timestamp, then id). */
export async function latestInbound(db: Db, conversationId: string) {
  return db
    .select({ id: messages.id, timestamp: messages.timestamp, createdAt: messages.createdAt })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), eq(messages.sender, "contact")))
    .orderBy(desc(messages.timestamp), desc(messages.id))
    .limit(1)
    .get();
}

/**
 * Which of our senders stored a message in the conversation after `storedSince` (our clock:
 * created_at, not WhatsApp's timestamp, so a skewed phone clock cannot reorder them). An `agent`
 * row means the burst was answered already; a `user` or `phone` row means a human spoke.
 */
export async function sendersSince(db: Db, conversationId: string, storedSince: number): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ sender: messages.sender })
    .from(messages)
    .where(
      and(
        eq(messages.conversationId, conversationId),
        eq(messages.fromMe, true),
        inArray(messages.sender, ["agent", "user", "phone"]),
        gt(messages.createdAt, storedSince),
      ),
    );
  return new Set(rows.map((r) => r.sender));
}

/** Newest first; the prompt builder walks back until its token budget is spent. */
export async function recentHistory(db: Db, conversationId: string, limit: number): Promise<HistoryRow[]> {
  return db
    .select({
      id: messages.id,
      type: messages.type,
      fromMe: messages.fromMe,
      sender: messages.sender,
      content: messages.content,
      caption: messages.caption,
      fileName: messages.fileName,
      timestamp: messages.timestamp,
    })
    .from(messages)
    .where(and(eq(messages.conversationId, conversationId), isNull(messages.deletedAt)))
    .orderBy(desc(messages.timestamp), desc(messages.id))
    .limit(limit);
}

/** Sets agent_paused; returns true when it changed (so a handoff is announced once). */
export async function setAgentPaused(db: Db, conversationId: string, paused: boolean): Promise<boolean> {
  const res = await db
    .update(conversations)
    .set({ agentPaused: paused, updatedAt: NOW })
    .where(and(eq(conversations.id, conversationId), eq(conversations.agentPaused, !paused)))
    .returning({ id: conversations.id });
  return res.length > 0;
}

/** Pauses the agent on a conversation and records why, for the inbox to show. */
export async function setAgentFailed(db: Db, conversationId: string, error: string): Promise<void> {
  await db.update(conversations).set({ agentPaused: true, agentError: error, updatedAt: NOW }).where(eq(conversations.id, conversationId));
}

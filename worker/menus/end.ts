// What a menu's end step does (PRODUCT.md §5.7): tag the contact, add to its llm_context, and
// decide who continues the conversation — an agent, a human, or whoever would anyway.
import { eq } from "drizzle-orm";
import { appendLlmContext, tagContact } from "../contacts/context";
import { getDb } from "../platform/db/client";
import { conversations } from "../platform/db/schema";
import { publish } from "../platform/realtime/publish";
import type { EndAction } from "../shared/menu-schema";

export async function applyMenuEnd(env: Env, conversationId: string, contactId: string, end: EndAction): Promise<void> {
  const db = getDb(env.DB);
  if (end.tag) await tagContact(env, db, contactId, end.tag, "add");
  if (end.llm_context && (await appendLlmContext(db, contactId, end.llm_context)).ok) await publish(env, "contacts", contactId);
  if (end.handoff === "human") {
    await db.update(conversations).set({ agentPaused: true }).where(eq(conversations.id, conversationId));
  } else if (end.handoff === "agent") {
    // A named agent takes the conversation; without one, the usual agent routing applies.
    await db
      .update(conversations)
      .set({ agentPaused: false, ...(end.agent_id ? { agentId: end.agent_id } : {}) })
      .where(eq(conversations.id, conversationId));
  }
}

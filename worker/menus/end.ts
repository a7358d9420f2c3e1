// What a menu's end step does (PRODUCT.md §5.7): tag the contact, add to its llm_context, and
// decide who continues the conversation — an agent, a human, or whoever would anyway.
import { appendLlmContext, tagContact } from "../contacts/context";
import { getDb } from "../platform/db/client";
import { publish } from "../platform/realtime/publish";
import type { EndAction } from "../shared/menu-schema";
import { handOffConversation } from "./menus.queries";

export async function applyMenuEnd(env: Env, conversationId: string, contactId: string, end: EndAction): Promise<void> {
  const db = getDb(env.DB);
  if (end.tag) await tagContact(env, db, contactId, end.tag, "add");
  if (end.llm_context && (await appendLlmContext(db, contactId, end.llm_context)).ok) await publish(env, "contacts", contactId);
  if (end.handoff === "human") await handOffConversation(db, conversationId, { human: true });
  // A named agent takes the conversation; without one, the usual agent routing applies.
  else if (end.handoff === "agent") await handOffConversation(db, conversationId, { human: false, ...(end.agent_id ? { agentId: end.agent_id } : {}) });
}

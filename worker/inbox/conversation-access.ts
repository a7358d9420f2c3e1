import { notFound } from "../errors";
import { getDb } from "../platform/db/client";
import { assertCanSee, type Principal } from "../team/principal";
import { type ConversationListRow, getConversation } from "./conversations.queries";

/** The conversation, if the principal may see it (an agent: one of their units' instances); 404 otherwise. */
export async function loadConversation(env: Env, id: string, p?: Principal): Promise<ConversationListRow> {
  const row = await getConversation(getDb(env.DB), id);
  if (!row) throw notFound("Conversation");
  assertCanSee(p, row.instanceId, "Conversation");
  return row;
}

// A campaign send lands in the contact's conversation (sender "campaign", external_id =
// Evolution key.id) so the reply threads under it. These statements ride in the same db.batch
// that records the send. Find-or-create is race-safe: the INSERT is a no-op on the partial
// unique index conversations_active_uq, and the message picks the active row by subquery.
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { conversations, messages } from "../platform/db/schema";
import { newId } from "../platform/lib/ids";

export type CampaignMessageWrite = {
  instanceId: string;
  instanceName: string;
  contactId: string;
  contactName: string | null;
  externalId: string;
  type: "text" | "image" | "audio" | "video" | "document";
  text: string;
  mimeType: string | null;
  fileName: string | null;
  at: number;
};

const activeId = (instanceId: string, contactId: string) =>
  sql`(SELECT ${conversations.id} FROM ${conversations} WHERE ${conversations.instanceId} = ${instanceId} AND ${conversations.contactId} = ${contactId} AND ${conversations.status} = 'active')`;

export function campaignMessageStmts(db: Db, m: CampaignMessageWrite) {
  const preview = m.type === "text" ? m.text : m.text || `[${m.type}]`;
  return [
    db
      .insert(conversations)
      .values({ id: newId("conversation"), instanceId: m.instanceId, instanceName: m.instanceName, contactId: m.contactId, contactName: m.contactName })
      .onConflictDoNothing(),
    db
      .insert(messages)
      .values({
        id: newId("message"),
        conversationId: activeId(m.instanceId, m.contactId),
        instanceId: m.instanceId,
        type: m.type,
        fromMe: true,
        timestamp: m.at,
        content: m.type === "text" ? m.text : null,
        caption: m.type === "text" ? null : m.text || null,
        mimeType: m.mimeType,
        fileName: m.fileName,
        externalId: m.externalId,
        status: "sent",
        sender: "campaign",
      })
      .onConflictDoNothing(),
    db
      .update(conversations)
      .set({ lastMessageContent: preview.slice(0, 500), lastMessageAt: sql`max(coalesce(${conversations.lastMessageAt}, 0), ${m.at})`, updatedAt: m.at })
      .where(and(eq(conversations.instanceId, m.instanceId), eq(conversations.contactId, m.contactId), eq(conversations.status, "active"))),
  ] as const;
}

// What happens after a campaign send: receipts move a recipient forward (never back), a reply
// marks it replied and may hand the conversation to the campaign's agent, and an opt-out takes
// the contact out of every campaign still to send to it.
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { campaigns, contacts, conversations, campaignRecipients as r } from "../platform/db/schema";

const BEFORE: Record<"delivered" | "read" | "replied", ("sent" | "delivered" | "read")[]> = {
  delivered: ["sent"],
  read: ["sent", "delivered"],
  replied: ["sent", "delivered", "read"],
};

const onInstance = (instanceId: string) => sql`${r.campaignId} IN (SELECT ${campaigns.id} FROM ${campaigns} WHERE ${campaigns.instanceId} = ${instanceId})`;

/** delivered/read by Evolution key.id (stored as the recipient's message_id). Returns campaign ids moved. */
export async function advanceByMessage(db: Db, instanceId: string, externalId: string, status: "delivered" | "read"): Promise<string[]> {
  const rows = await advanceByMessageStmt(db, instanceId, externalId, status);
  return rows.map((x) => x.campaignId);
}

/** advanceByMessage as a statement for the batch that applies the receipt (returns the campaign ids moved). */
export function advanceByMessageStmt(db: Db, instanceId: string, externalId: string, status: "delivered" | "read") {
  return db
    .update(r)
    .set({ status, updatedAt: Date.now() })
    .where(and(eq(r.messageId, externalId), inArray(r.status, BEFORE[status]), onInstance(instanceId)))
    .returning({ campaignId: r.campaignId });
}

/** Which of these contacts have a campaign send on this instance not answered yet (for a batch). */
export function answerableContactsQuery(db: Db, instanceId: string, contactIds: string[]) {
  return db
    .selectDistinct({ contactId: r.contactId })
    .from(r)
    .where(and(inArray(r.contactId, contactIds), inArray(r.status, BEFORE.replied), onInstance(instanceId)));
}

/** The contact's latest campaign send on this instance that is not answered yet. */
export async function latestAnswerable(db: Db, instanceId: string, contactId: string) {
  return db
    .select({ campaignId: r.campaignId, agentId: campaigns.respondingAgentId })
    .from(r)
    .innerJoin(campaigns, eq(campaigns.id, r.campaignId))
    .where(and(eq(r.contactId, contactId), eq(campaigns.instanceId, instanceId), inArray(r.status, BEFORE.replied)))
    .orderBy(desc(r.sentAt))
    .limit(1)
    .get();
}

export async function markReplied(db: Db, campaignId: string, contactId: string, agentId: string | null, instanceId: string): Promise<void> {
  const now = Date.now();
  const mark = db
    .update(r)
    .set({ status: "replied", updatedAt: now })
    .where(and(eq(r.campaignId, campaignId), eq(r.contactId, contactId), inArray(r.status, BEFORE.replied)));
  if (!agentId) {
    await mark;
    return;
  }
  // The campaign's responding agent takes the conversation (unless a human already paused it).
  await db.batch([
    mark,
    db
      .update(conversations)
      .set({ agentId, updatedAt: now })
      .where(
        and(
          eq(conversations.instanceId, instanceId),
          eq(conversations.contactId, contactId),
          eq(conversations.status, "active"),
          eq(conversations.agentPaused, false),
        ),
      ),
  ]);
}

/** Sets opted_out once; true only for the call that changed it (so one confirmation is sent). */
export async function optOut(db: Db, contactId: string): Promise<boolean> {
  const rows = await db
    .update(contacts)
    .set({ optedOut: true, updatedAt: Date.now() })
    .where(and(eq(contacts.id, contactId), eq(contacts.optedOut, false)))
    .returning({ id: contacts.id });
  return rows.length === 1;
}

/** Campaigns that still hold an unclaimed send to this contact. */
export async function campaignsPendingFor(db: Db, contactId: string): Promise<string[]> {
  const rows = await db
    .select({ id: r.campaignId })
    .from(r)
    .where(and(eq(r.contactId, contactId), eq(r.status, "pending"), eq(r.attempts, 0)));
  return rows.map((x) => x.id);
}

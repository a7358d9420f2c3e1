// What the outbox consumer reads beside its claimed rows, in one round trip: their instances
// (with the breaker's state), campaigns, contacts and messages; and which key.ids are taken.
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { campaigns, contacts, instances, messages, outbox } from "../platform/db/schema";
import { chunks, type OutboxRow } from "./outbox.queries";

/** What the consumer needs beside the rows: their instances, campaigns, contacts, and any key.id an echo already attached. */
export async function sendContext(db: Db, rows: OutboxRow[]) {
  const uniq = (xs: (string | null)[]) => [...new Set(xs.filter((x): x is string => x !== null))];
  const instanceIds = uniq(rows.map((r) => r.instanceId));
  const campaignIds = uniq(rows.map((r) => r.campaignId));
  const contactIds = uniq(rows.map((r) => r.contactId));
  const messageIds = uniq(rows.map((r) => r.messageId));
  const [inst, camp, cont, msgs] = await Promise.all([
    db
      .select({
        id: instances.id,
        name: instances.name,
        token: instances.evolutionToken,
        status: instances.status,
        breakerOpenSince: instances.breakerOpenSince,
        breakerError: instances.breakerError,
      })
      .from(instances)
      .where(inArray(instances.id, instanceIds)),
    campaignIds.length
      ? db.select({ id: campaigns.id, status: campaigns.status }).from(campaigns).where(inArray(campaigns.id, campaignIds))
      : Promise.resolve([]),
    Promise.all(
      chunks(contactIds).map((part) =>
        db.select({ id: contacts.id, name: contacts.name, optedOut: contacts.optedOut }).from(contacts).where(inArray(contacts.id, part)),
      ),
    ).then((r) => r.flat()),
    Promise.all(
      chunks(messageIds).map((part) =>
        db
          .select({ id: messages.id, conversationId: messages.conversationId, externalId: messages.externalId, error: messages.error })
          .from(messages)
          .where(inArray(messages.id, part)),
      ),
    ).then((r) => r.flat()),
  ]);
  return {
    instances: new Map(inst.map((i) => [i.id, i])),
    campaigns: new Map(camp.map((c) => [c.id, c])),
    contacts: new Map(cont.map((c) => [c.id, c])),
    messages: new Map(msgs.map((m) => [m.id, m])),
  };
}
export type SendContext = Awaited<ReturnType<typeof sendContext>>;
export type SendingInstance = SendContext["instances"] extends Map<string, infer I> ? I : never;
export type SendMessageRef = SendContext["messages"] extends Map<string, infer M> ? M : never;

/** Key ids among `keyIds` already held by another send of this instance. */
export async function takenExternalIds(db: Db, instanceId: string, keyIds: string[]): Promise<Set<string>> {
  if (!keyIds.length) return new Set();
  const rows = await db
    .select({ id: outbox.externalId })
    .from(outbox)
    .where(and(eq(outbox.instanceId, instanceId), inArray(outbox.externalId, keyIds)));
  return new Set(rows.map((r) => r.id).filter((x): x is string => x !== null));
}

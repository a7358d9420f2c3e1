// Inbound message events, applied one at a time per instance by the WaInstance Durable Object
// (PRODUCT.md §5.4, EVOLUTION.md §4.3–§4.6). Every step is idempotent: a redelivery, a
// duplicate or a replay changes nothing twice.

import { onHumanMessage } from "../agents/hooks";
import { campaignSendInFlight } from "../campaigns/recipients.queries";
import { stripMedia } from "../instances/webhook-envelope";
import { settleWebhookEventsStmt } from "../instances/webhook-events.queries";
import { acceptByMessageStmt } from "../outbox/outbox.queries";
import type { Stmt } from "../platform/db/client";
import { newId } from "../platform/lib/ids";
import { mediaQueue } from "../platform/queues";
import { autoAssign } from "./assignment";
import { type InboxCtx, type Outcome, resolveContact } from "./context";
import { activeConversationIdSql, insertConversationStmt, touchConversationStmt } from "./conversations.queries";
import { onContactMessage } from "./inbound-hooks";
import { resolveChatJid, timestampMs } from "./jid";
import { type Content, messageContent, previewOf } from "./message-content";
import { heldEventsQuery } from "./message-events.queries";
import {
  attachExternalIdStmt,
  byExternalQuery,
  insertMessageStmt,
  type MessageRow,
  messageTimestampSql,
  orderedTimestampSql,
  unmatchedOutbound,
} from "./messages.queries";
import { applyHeld, type HeldRow } from "./receipts";
import type { MessageItem } from "./webhook-items";

const YOU = new Set(["você", "voce", "you"]);

export function pushNameOf(item: Pick<MessageItem, "pushName">, fromMe: boolean): string | null {
  const name = item.pushName?.trim() ?? "";
  // Evolution fills a missing pushName on our own messages with "Você" (EVOLUTION.md §2.14).
  if (fromMe || !name || YOU.has(name.toLowerCase())) return null;
  return name.slice(0, 200);
}

export type Parsed = { item: MessageItem; content: Content; digits: string; fromMe: boolean };

export function parseItem(item: MessageItem): Parsed | Outcome {
  const jid = resolveChatJid(item.key);
  if (!jid.ok) return { status: "ignored", reason: jid.reason };
  const content = messageContent(item.message, item.messageType ?? undefined);
  if (!content) return { status: "ignored", reason: "no displayable content (protocol or placeholder message)" };
  return { item, content, digits: jid.digits, fromMe: item.key.fromMe === true };
}

/** messages.upsert: a message from the contact, or (fromMe) one sent from the phone. */
export async function ingestUpsert(ctx: InboxCtx, item: MessageItem, at: number): Promise<Outcome> {
  const p = parseItem(item);
  if (!("content" in p)) return p;
  const contact = await resolveContact(ctx, p.digits, pushNameOf(item, p.fromMe));
  return storeNew(ctx, p, contact, at, p.fromMe ? "phone" : "contact");
}

/**
 * send.message: Evolution's copy of a message sent through its API. Ours never becomes a second
 * message: it matches by key.id, or — when the echo beats the send response — claims our
 * in-flight message with the same content, or waits (held) while one of ours to that contact is
 * still pending or a campaign send to them is on the wire. A send by another API client is
 * stored, never dropped: when a hold has lasted too long (`mayHold` false) it is stored anyway.
 */
export async function ingestEcho(ctx: InboxCtx, item: MessageItem, at: number, mayHold = true): Promise<Outcome> {
  const p = parseItem(item);
  if (!("content" in p)) return p;
  const keyId = item.key.id;
  const [existing] = await byExternalQuery(ctx.db, ctx.instance.id, keyId);
  if (existing) return { status: "ignored", reason: "echo of a message already stored" };
  const contact = await resolveContact(ctx, p.digits, null);
  const mine = await unmatchedOutbound(ctx.db, ctx.instance.id, contact.id);
  const same = mine.find((m) => sameContent(m, p.content));
  if (same) {
    // The message and its outbox row take the key together: no attempt of it runs again.
    const [[claimed]] = await ctx.db.batch([attachExternalIdStmt(ctx.db, same.id, keyId), acceptByMessageStmt(ctx.db, same.id, keyId, Date.now())]);
    if (claimed) ctx.changes.message(claimed.id, claimed.conversationId);
    await applyHeld(ctx, keyId);
    return { status: "processed", reason: "echo matched our pending send" };
  }
  if (mayHold && mine.some((m) => m.status === "pending")) return { status: "held", reason: "waiting for our send to be acknowledged" };
  // A campaign send to them may be this one, its message not recorded yet: the alarm looks again.
  if (mayHold && (await campaignSendInFlight(ctx.db, ctx.instance.id, contact.id)))
    return { status: "held", reason: "waiting for a campaign send to be recorded" };
  return storeNew(ctx, p, contact, at, "user");
}

type Outgoing = Pick<MessageRow, "type" | "content" | "caption" | "mimeType" | "fileName">;

const baseMime = (m: string) => m.split(";")[0]!.trim().toLowerCase();

/**
 * Whether an echo carries what our message sent: the same text, or media with the same caption
 * and (when both are known) file name and mimetype. Audio is converted to a voice note by
 * Evolution, so its mimetype says nothing.
 */
function sameContent(m: Outgoing, c: Content): boolean {
  if (m.type !== c.type) return false;
  if (c.type === "text") return m.content === c.text;
  if ((m.caption ?? "") !== (c.caption ?? "")) return false;
  if (m.fileName && c.fileName && m.fileName !== c.fileName) return false;
  if (c.type !== "audio" && m.mimeType && c.mimeType && baseMime(m.mimeType) !== baseMime(c.mimeType)) return false;
  return true;
}

async function storeNew(ctx: InboxCtx, p: Parsed, contact: { id: string; name: string | null }, at: number, sender: MessageRow["sender"]): Promise<Outcome> {
  const prepared = prepareNew(ctx, p, contact, at, sender);
  const [first, ...rest] = prepared.stmts;
  return prepared.finish(await ctx.db.batch([first, ...rest]));
}

export type PreparedUpsert = {
  stmts: [Stmt, ...Stmt[]];
  contactId: string;
  inbound: boolean;
  finish: (results: unknown[]) => Promise<Outcome>;
};

/**
 * Prepares a parsed messages.upsert for a shared write batch (the Durable Object groups a burst
 * of deliveries into one round trip, and settles the whole group in one statement: `grouped`).
 * The outcome instead when the item is ignored.
 */
export async function prepareUpsert(ctx: InboxCtx, item: MessageItem, at: number, grouped = false): Promise<PreparedUpsert | Outcome> {
  const p = parseItem(item);
  if (!("content" in p)) return p;
  const contact = await resolveContact(ctx, p.digits, pushNameOf(item, p.fromMe));
  return prepareNew(ctx, p, contact, at, p.fromMe ? "phone" : "contact", grouped);
}

type Row = { id: string; conversationId?: string };

function prepareNew(
  ctx: InboxCtx,
  p: Parsed,
  contact: { id: string; name: string | null },
  at: number,
  sender: MessageRow["sender"],
  grouped = false,
): PreparedUpsert {
  const db = ctx.db;
  const id = newId("message");
  const { key, messageTimestamp, raw } = p.item;
  const ts = timestampMs(messageTimestamp, at);
  const inbound = sender === "contact";
  const c = p.content;
  // One round trip: find-or-create the active conversation (the insert is a no-op when one
  // exists; the partial unique index decides races), INSERT OR IGNORE the message into it,
  // move the conversation forward only if the message is new, settle the delivery, and look
  // for receipts that arrived before the message (when any may have: ctx.mayBeHeld).
  const active = activeConversationIdSql(ctx.instance.id, contact.id);
  const lookForHeld = ctx.mayBeHeld?.(key.id) ?? true;
  const stmts: PreparedUpsert["stmts"] = [
    insertConversationStmt(db, {
      id: newId("conversation"),
      instanceId: ctx.instance.id,
      instanceName: ctx.instance.name,
      contactId: contact.id,
      contactName: contact.name,
    }),
    insertMessageStmt(db, {
      id,
      conversationId: active,
      instanceId: ctx.instance.id,
      type: c.type,
      fromMe: !inbound,
      timestamp: orderedTimestampSql(active, ts),
      content: c.text,
      caption: c.caption,
      mimeType: c.mimeType,
      fileName: c.fileName,
      externalId: key.id,
      status: inbound ? "delivered" : "sent",
      sender,
      raw: stripMedia(raw),
    }),
    // The conversation moves to the message's stored time: a whole second made into the next
    // free millisecond sorts after our send from earlier in that second, so it is the preview.
    touchConversationStmt(db, active, { preview: previewOf(c), at: messageTimestampSql(id), inbound, onlyIfMessage: id }),
    ...(lookForHeld ? [heldEventsQuery(db, ctx.instance.id, key.id, "messages.update"), heldEventsQuery(db, ctx.instance.id, key.id, "messages.delete")] : []),
    ...(grouped ? [] : [settleWebhookEventsStmt(db, [ctx.eventId], "processed")]),
  ];
  const finish = async (results: unknown[]): Promise<Outcome> => {
    const [createdConv, inserted, , held1, held2] = results as [Row[], Row[], unknown, HeldRow[], HeldRow[]];
    const [updates, deletes] = lookForHeld ? [held1, held2] : [[], []];
    const conv = inserted[0]?.conversationId;
    const opened = createdConv[0]?.id;
    if (opened) ctx.changes.conversations.add(opened);
    if (!conv) return { status: "ignored", reason: "duplicate message (already stored)" };
    // A contact opening a conversation: its unit may hand it to someone (cheap when none auto-assigns).
    if (opened && inbound) ctx.changes.after.push(async () => void (await autoAssign(ctx.env, opened, ctx.instance.id)));
    ctx.changes.message(id, conv);
    // The contact's messages go to campaigns, menus and the agent; a human's (phone, other
    // client) pauses the agent. Run after the event is settled, outside the serial chain.
    ctx.changes.after.push(() =>
      inbound
        ? onContactMessage(ctx.env, {
            instanceId: ctx.instance.id,
            conversationId: conv,
            contactId: contact.id,
            messageId: id,
            text: c.type === "text" ? c.text : null,
            mayBeAnswering: ctx.changes.answerable?.has(contact.id) ?? true,
          })
        : onHumanMessage(ctx.env, conv),
    );
    if (c.media) await mediaQueue(ctx.env).send({ messageId: id });
    if (updates.length || deletes.length) await applyHeld(ctx, key.id, { updates, deletes, echoes: [] });
    return { status: "processed", settled: !grouped };
  };
  return { stmts, contactId: contact.id, inbound, finish };
}

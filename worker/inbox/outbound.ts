// The one recorder of a message we send, in the conversation, whoever sends it:
//   queueOutbound — the dashboard user, an agent, a menu (sender "workflow"): the message stored
//     pending (bytes to R2) with its outbox row in one batch, answered at once, sent by the
//     outbox (worker/outbox/send.queue.ts);
//   sentMessageStmts — an outbox send without a message yet (a campaign send, the opt-out
//     confirmation), recorded with Evolution's key.id when the outbox settles it.
// Both write the message row and move the conversation forward with the same statements.

import { onHumanMessage } from "../agents/hooks";
import { getContact } from "../contacts/contacts.queries";
import { ApiError } from "../errors";
import { messageSendFor } from "../outbox/legacy";
import { messageSend, retryHorizonMs, storeSendStmt } from "../outbox/outbox";
import { retryFailedOutbox } from "../outbox/outbox.queries";
import { type Db, getDb, type Stmt } from "../platform/db/client";
import { stripDataUrl } from "../platform/evolution/client";
import { validationError } from "../platform/http/validate";
import { newId } from "../platform/lib/ids";
import { sendQueue } from "../platform/queues";
import { publish, publishMessage } from "../platform/realtime/publish";
import { displayName, type Principal } from "../team/principal";
import {
  activeConversationIdSql,
  type ConversationRef,
  type ConversationRow,
  findOrCreateActive,
  insertConversationStmt,
  touchConversationStmt,
} from "./conversations.queries";
import type { SendMessageInput } from "./conversations.schemas";
import { base64Bytes, MAX_MEDIA_BYTES, mediaKeyFor, putMedia, tooLarge } from "./media-store";
import { previewOf } from "./message-content";
import { getMessage, insertMessageStmt, type MessageRow, type NewMessage, type OUR_SENDERS, requeueFailed } from "./messages.queries";

const DEFAULT_MIME: Record<string, string> = {
  image: "image/jpeg",
  video: "video/mp4",
  audio: "audio/ogg; codecs=opus",
  document: "application/octet-stream",
};

function decode(input: SendMessageInput): { bytes: Uint8Array; mimeType: string } | null {
  if (input.type === "text" || !input.media_base64) return null;
  const { data, mimetype } = stripDataUrl(input.media_base64);
  let bytes: Uint8Array;
  try {
    bytes = base64Bytes(data);
  } catch {
    throw validationError([{ path: "media_base64", message: "Not valid base64 (raw or a data: URL)" }]);
  }
  if (bytes.length === 0) throw validationError([{ path: "media_base64", message: "The attachment is empty" }]);
  if (bytes.length > MAX_MEDIA_BYTES) throw new ApiError(413, "payload_too_large", tooLarge(bytes.length));
  return { bytes, mimeType: input.mime_type ?? mimetype ?? DEFAULT_MIME[input.type] ?? "application/octet-stream" };
}

/**
 * Stores a message of ours as pending and queues its send. Written from an archived conversation,
 * it goes to the contact's active one on that instance (opened if there is none), as their
 * reply would: the returned row's conversation_id says where. `by`: the person sending from the
 * inbox, whose name the bubble shows.
 */
export async function queueOutbound(env: Env, from: ConversationRow, input: SendMessageInput, sender: OurSender = "user", by?: Principal): Promise<MessageRow> {
  const instanceId = from.instanceId;
  if (!instanceId) throw new ApiError(422, "instance_gone", "This conversation's WhatsApp instance was deleted; start a new conversation");
  const db = getDb(env.DB);
  const conv = from.status === "active" ? from : await activeFor(env, from, instanceId);
  const contact = await getContact(db, conv.contactId);
  if (!contact) throw new ApiError(422, "contact_gone", "This conversation's contact was deleted");
  const id = newId("message");
  const media = decode(input);
  const mediaKey = media ? mediaKeyFor(instanceId, id) : null;
  if (media && mediaKey) await putMedia(env, mediaKey, media.bytes, media.mimeType);
  const now = Date.now();
  const fileName = input.file_name ?? (input.type === "document" ? "document" : null);
  const caption = input.type === "audio" ? null : (input.caption ?? null);
  const content = input.type === "text" ? (input.content ?? "") : null;
  const mimeType = media?.mimeType ?? null;
  const send = storeSendStmt(db, env, messageSend({ id, instanceId, sender, type: input.type, content, caption, mediaKey, mimeType, fileName }, contact), now);
  await db.batch([
    send.stmt,
    ...messageStmts(db, {
      id,
      conversationId: conv.id,
      instanceId,
      type: input.type,
      timestamp: now,
      content,
      caption,
      mimeType,
      fileName,
      mediaKey,
      status: "pending",
      sender,
      outboxId: send.id,
      ...(by ? { senderUserId: by.user?.id ?? null, senderName: displayName(by) } : {}),
    }),
  ]);
  if (sender === "user") await onHumanMessage(env, conv.id); // a human took over: the agent steps back
  await sendQueue(env).send({ outboxId: send.id });
  await publishMessage(env, id, conv.id);
  const row = await getMessage(db, id);
  if (!row) throw new Error("message vanished after insert");
  return row;
}

/** An outbox send Evolution accepted (with its key.id) that has no conversation message yet. */
export type SentMessage = {
  instanceId: string;
  outboxId: string;
  instanceName: string;
  contactId: string;
  contactName: string | null;
  externalId: string;
  sender: OurSender;
  type: MessageRow["type"];
  /** The text, or a media message's caption ("" for none). */
  text: string;
  mimeType: string | null;
  fileName: string | null;
  at: number;
};

/**
 * The statements that record a message sent inline, for the caller's db.batch (so the record is
 * atomic with whatever else the send settles). It lands in the contact's active conversation on
 * that instance, opened if there is none (race-safe: the insert is a no-op on the partial unique
 * index conversations_active_uq, and the message picks the active row by subquery), so the reply
 * threads under it. A second record of the same key.id is a no-op on (instance_id, external_id).
 */
export function sentMessageStmts(db: Db, m: SentMessage): [Stmt, Stmt, Stmt] {
  return [
    insertConversationStmt(db, {
      id: newId("conversation"),
      instanceId: m.instanceId,
      instanceName: m.instanceName,
      contactId: m.contactId,
      contactName: m.contactName,
    }),
    ...messageStmts(db, {
      id: newId("message"),
      conversationId: activeConversationIdSql(m.instanceId, m.contactId),
      instanceId: m.instanceId,
      type: m.type,
      timestamp: m.at,
      content: m.type === "text" ? m.text : null,
      // A voice note carries no caption on WhatsApp (the sender sends audio without one), as in queueOutbound.
      caption: m.type === "text" || m.type === "audio" ? null : m.text || null,
      mimeType: m.mimeType,
      fileName: m.fileName,
      externalId: m.externalId,
      status: "sent",
      sender: m.sender,
      outboxId: m.outboxId,
    }),
  ];
}

/** Who sends through Evolution's API from Parley. */
type OurSender = (typeof OUR_SENDERS)[number];
type OurMessage = Omit<NewMessage, "conversationId" | "fromMe" | "timestamp" | "sender" | "type"> & {
  id: string;
  conversationId: ConversationRef;
  type: MessageRow["type"];
  timestamp: number;
  sender: OurSender;
};

/** Our message row (INSERT OR IGNORE on the external id) and the conversation's move forward. */
function messageStmts(db: Db, m: OurMessage): [Stmt, Stmt] {
  return [
    insertMessageStmt(db, { ...m, fromMe: true }),
    touchConversationStmt(db, m.conversationId, {
      preview: previewOf({ type: m.type, text: m.content ?? null, caption: m.caption ?? null }),
      at: m.timestamp,
      inbound: false,
    }),
  ];
}

async function activeFor(env: Env, archived: ConversationRow, instanceId: string): Promise<ConversationRow> {
  const { row, created } = await findOrCreateActive(getDb(env.DB), {
    id: newId("conversation"),
    instanceId,
    instanceName: archived.instanceName,
    contactId: archived.contactId,
    contactName: archived.contactName,
  });
  if (created) await publish(env, "conversations", row.id);
  return row;
}

/** A failed message of ours back to pending, its outbox row queued again (still reconciled first if it may have gone out). */
export async function retryOutbound(env: Env, conversationId: string, messageId: string): Promise<MessageRow> {
  const db = getDb(env.DB);
  const current = await getMessage(db, messageId);
  if (!current || current.conversationId !== conversationId) throw new ApiError(404, "not_found", "Message not found");
  const sendable = current.outboxId ? await retryFailedOutbox(db, current.outboxId, Date.now(), retryHorizonMs(env)) : undefined;
  const row = sendable || !current.outboxId ? await requeueFailed(db, messageId) : undefined;
  // A message that failed before the outbox existed gets its row now.
  const outboxId = row ? (current.outboxId ?? (await messageSendFor(env, messageId))) : null;
  if (!row || !outboxId) throw new ApiError(409, "conflict", `Only a failed message of ours can be retried (this one is ${current.status})`);
  await sendQueue(env).send({ outboxId });
  await publish(env, "messages", messageId, { conversation_id: conversationId });
  return row;
}

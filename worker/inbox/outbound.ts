// The one recorder of a message we send, whoever sends it:
//   queueOutbound — the dashboard user, an agent, a menu (sender "workflow"): stored pending
//     (bytes to R2), answered at once, sent by the SEND_QUEUE consumer (worker/inbox/send.queue.ts);
//   sentMessageStmts — a message already sent inline (a campaign send, the opt-out confirmation):
//     recorded with Evolution's key.id in the caller's own db.batch.
// Both write the message row and move the conversation forward with the same statements.

import { onHumanMessage } from "../agents/hooks";
import { ApiError } from "../errors";
import { type Db, getDb, type Stmt } from "../platform/db/client";
import { stripDataUrl } from "../platform/evolution/client";
import { validationError } from "../platform/http/validate";
import { newId } from "../platform/lib/ids";
import { sendQueue } from "../platform/queues";
import { publish, publishMessage } from "../platform/realtime/publish";
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
 * reply would: the returned row's conversation_id says where.
 */
export async function queueOutbound(env: Env, from: ConversationRow, input: SendMessageInput, sender: OurSender = "user"): Promise<MessageRow> {
  const instanceId = from.instanceId;
  if (!instanceId) throw new ApiError(422, "instance_gone", "This conversation's WhatsApp instance was deleted; start a new conversation");
  const db = getDb(env.DB);
  const conv = from.status === "active" ? from : await activeFor(env, from, instanceId);
  const id = newId("message");
  const media = decode(input);
  const mediaKey = media ? mediaKeyFor(instanceId, id) : null;
  if (media && mediaKey) await putMedia(env, mediaKey, media.bytes, media.mimeType);
  const now = Date.now();
  const fileName = input.file_name ?? (input.type === "document" ? "document" : null);
  const caption = input.type === "audio" ? null : (input.caption ?? null);
  await db.batch(
    messageStmts(db, {
      id,
      conversationId: conv.id,
      instanceId,
      type: input.type,
      timestamp: now,
      content: input.type === "text" ? (input.content ?? "") : null,
      caption,
      mimeType: media?.mimeType ?? null,
      fileName,
      mediaKey,
      status: "pending",
      sender,
    }),
  );
  if (sender === "user") await onHumanMessage(env, conv.id); // a human took over: the agent steps back
  await sendQueue(env).send({ messageId: id });
  await publishMessage(env, id, conv.id);
  const row = await getMessage(db, id);
  if (!row) throw new Error("message vanished after insert");
  return row;
}

/** A message we already sent inline (Evolution answered with its key.id), to record in the caller's batch. */
export type SentMessage = {
  instanceId: string;
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

export async function retryOutbound(env: Env, conversationId: string, messageId: string): Promise<MessageRow> {
  const db = getDb(env.DB);
  const current = await getMessage(db, messageId);
  if (!current || current.conversationId !== conversationId) throw new ApiError(404, "not_found", "Message not found");
  const row = await requeueFailed(db, messageId);
  if (!row) throw new ApiError(409, "conflict", `Only a failed message of ours can be retried (this one is ${current.status})`);
  await sendQueue(env).send({ messageId });
  await publish(env, "messages", messageId, { conversation_id: conversationId });
  return row;
}

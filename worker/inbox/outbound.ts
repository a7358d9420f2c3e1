// Outbound inbox messages: stored pending (bytes to R2), answered at once, sent by the
// SEND_QUEUE consumer (worker/inbox/send.queue.ts).

import { onHumanMessage } from "../agents/hooks";
import { ApiError } from "../errors";
import { getDb } from "../platform/db/client";
import { stripDataUrl } from "../platform/evolution/client";
import { validationError } from "../platform/http/validate";
import { newId } from "../platform/lib/ids";
import { sendQueue } from "../platform/queues";
import { publish, publishMessage } from "../platform/realtime/publish";
import { type ConversationRow, findOrCreateActive, touchConversationStmt } from "./conversations.queries";
import type { SendMessageInput } from "./conversations.schemas";
import { base64Bytes, MAX_MEDIA_BYTES, mediaKeyFor, putMedia, tooLarge } from "./media-store";
import { previewOf } from "./message-content";
import { getMessage, insertMessageStmt, type MessageRow, requeueFailed } from "./messages.queries";

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
export async function queueOutbound(env: Env, from: ConversationRow, input: SendMessageInput, sender: MessageRow["sender"] = "user"): Promise<MessageRow> {
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
  await db.batch([
    insertMessageStmt(db, {
      id,
      conversationId: conv.id,
      instanceId,
      type: input.type,
      fromMe: true,
      timestamp: now,
      content: input.type === "text" ? (input.content ?? "") : null,
      caption,
      mimeType: media?.mimeType ?? null,
      fileName,
      mediaKey,
      status: "pending",
      sender,
    }),
    touchConversationStmt(db, conv.id, { preview: previewOf({ type: input.type, text: input.content ?? null, caption }), at: now, inbound: false }),
  ]);
  if (sender === "user") await onHumanMessage(env, conv.id); // a human took over: the agent steps back
  await sendQueue(env).send({ messageId: id });
  await publishMessage(env, id, conv.id);
  const row = await getMessage(db, id);
  if (!row) throw new Error("message vanished after insert");
  return row;
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

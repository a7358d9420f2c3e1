// MEDIA_QUEUE consumer: fetches an inbound message's media from Evolution
// (chat/getBase64FromMediaMessage) into R2, off the webhook path. Retried with backoff; a
// file over the size limit or a download that keeps failing leaves a clear error on the message.
import { getDb } from "../platform/db/client";
import { evolutionClientFromEnv } from "../platform/evolution/client";
import { isObject } from "../platform/lib/json";
import { publish } from "../platform/realtime/publish";
import { mediaJob } from "../shared/queues";
import { base64Bytes, base64Size, MAX_MEDIA_BYTES, mediaKeyFor, putMedia, tooLarge } from "./media-store";
import { loadForMedia, updateMessage } from "./messages.queries";

export const MEDIA_ATTEMPTS = 5;
const mediaBackoff = (attempts: number) => Math.min(300, 2 ** attempts);

export async function handleMediaBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  await Promise.all(
    batch.messages.map(async (msg) => {
      const parsed = mediaJob.safeParse(msg.body);
      if (!parsed.success) return msg.ack();
      try {
        const done = await fetchMedia(env, parsed.data.messageId, msg.attempts);
        if (done) msg.ack();
        else msg.retry({ delaySeconds: mediaBackoff(msg.attempts) });
      } catch (err) {
        console.error(JSON.stringify({ at: "media.error", messageId: parsed.data.messageId, error: String(err) }));
        msg.retry({ delaySeconds: mediaBackoff(msg.attempts) });
      }
    }),
  );
}

async function settle(env: Env, id: string, conversationId: string, patch: Parameters<typeof updateMessage>[2]): Promise<true> {
  await updateMessage(getDb(env.DB), id, patch);
  await publish(env, "messages", id, { conversation_id: conversationId });
  return true;
}

/** true when finished (stored, or given up with an error on the message); false to retry. */
export async function fetchMedia(env: Env, messageId: string, attempt: number): Promise<boolean> {
  const found = await loadForMedia(getDb(env.DB), messageId);
  if (!found) return true;
  const m = found.message;
  if (m.mediaKey || m.type === "text") return true;
  if (!found.instanceName || !found.token) return settle(env, m.id, m.conversationId, { error: "Media unavailable: the WhatsApp instance was removed" });
  const raw = isObject(m.raw) ? m.raw : {};
  const key = isObject(raw.key) ? raw.key : { id: m.externalId ?? "" };
  // Our stored copy has inlined bytes replaced by a marker; Evolution must not see it.
  const { base64: _inlined, ...message } = isObject(raw.message) ? raw.message : {};
  try {
    const media = await evolutionClientFromEnv(env, { retries: 1 }).getBase64FromMediaMessage(
      { instanceName: found.instanceName, token: found.token },
      { key: { ...key, id: String(key.id ?? m.externalId) }, ...(Object.keys(message).length ? { message } : {}) },
    );
    const size = base64Size(media.base64);
    if (size > MAX_MEDIA_BYTES) return settle(env, m.id, m.conversationId, { error: tooLarge(size) });
    const mediaKey = mediaKeyFor(m.instanceId, m.id);
    const mimeType = m.mimeType ?? media.mimetype;
    await putMedia(env, mediaKey, base64Bytes(media.base64.replace(/\s+/g, "")), mimeType);
    return settle(env, m.id, m.conversationId, { mediaKey, mimeType, fileName: m.fileName ?? media.fileName ?? null, error: null });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (attempt < MEDIA_ATTEMPTS) {
      console.warn(JSON.stringify({ at: "media.retry", messageId, attempt, error: reason }));
      return false;
    }
    return settle(env, m.id, m.conversationId, { error: `Could not download the media: ${reason}` });
  }
}

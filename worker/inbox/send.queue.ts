// SEND_QUEUE consumer: one outbound inbox message per queue message, sent through Evolution
// (sendText / sendMedia / sendWhatsAppAudio, v2 bodies). The message id is the idempotency
// key: only a message still pending and without Evolution's key.id is sent. Up to 3 attempts
// with exponential backoff (the queue's own redelivery), then `failed` with the reason.
import { getDb } from "../platform/db/client";
import { EvolutionError, evolutionClientFromEnv, type SentMessage } from "../platform/evolution/client";
import { publishMessage } from "../platform/realtime/publish";
import { sendJob } from "../shared/queues";
import { readMediaBase64 } from "./media-store";
import { attachExternalIdStmt, failPending, loadForSend, MAYBE_DELIVERED } from "./messages.queries";

export const SEND_ATTEMPTS = 3;

/** Seconds before attempt n+1: 1, 2, 4, … */
export const sendBackoff = (attempts: number) => 2 ** (attempts - 1);

export async function handleSendBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  // Sequential: sends to one WhatsApp number should not race each other.
  for (const msg of batch.messages) {
    const parsed = sendJob.safeParse(msg.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ at: "send.bad_message", id: msg.id }));
      msg.ack();
      continue;
    }
    try {
      const result = await sendOne(env, parsed.data.messageId, msg.attempts);
      if (result === "retry") msg.retry({ delaySeconds: sendBackoff(msg.attempts) });
      else msg.ack();
    } catch (err) {
      console.error(JSON.stringify({ at: "send.error", messageId: parsed.data.messageId, error: String(err) }));
      msg.retry({ delaySeconds: sendBackoff(msg.attempts) });
    }
  }
}

async function fail(env: Env, id: string, reason: string): Promise<"done"> {
  const row = await failPending(getDb(env.DB), id, reason.slice(0, 1000));
  if (row) await publishMessage(env, id, row.conversationId);
  return "done";
}

export async function sendOne(env: Env, messageId: string, attempt: number): Promise<"done" | "retry"> {
  const db = getDb(env.DB);
  const found = await loadForSend(db, messageId);
  if (!found) return "done";
  const m = found.message;
  if (m.status !== "pending" || m.externalId) return "done"; // sent already, or given up on
  if (!found.instanceName || !found.token || !found.instanceId) return fail(env, m.id, "The WhatsApp instance no longer exists or has no Evolution token");
  const ref = { instanceName: found.instanceName, token: found.token };
  const number = found.number.replace(/\D/g, "");
  // Retries are the queue's (durable, with backoff); the client makes one attempt per delivery.
  const client = evolutionClientFromEnv(env, { retries: 1 });
  try {
    let sent: SentMessage;
    if (m.type === "text") {
      sent = await client.sendText(ref, { number, text: m.content ?? "" });
    } else {
      const media = m.mediaKey ? await readMediaBase64(env, m.mediaKey) : null;
      if (!media) return fail(env, m.id, "The attachment is missing from storage");
      if (m.type === "audio") sent = await client.sendWhatsAppAudio(ref, { number, audio: media.base64 });
      else
        sent = await client.sendMedia(ref, {
          number,
          mediatype: m.type,
          media: media.base64,
          ...(m.mimeType ? { mimetype: m.mimeType } : {}),
          ...(m.fileName ? { fileName: m.fileName } : {}),
          ...(m.caption ? { caption: m.caption } : {}),
        });
    }
    await recordSent(env, found.instanceId, m.id, sent.key.id);
    return "done";
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const retryable = err instanceof EvolutionError ? err.retryable : true;
    if (retryable && attempt < SEND_ATTEMPTS) {
      console.warn(JSON.stringify({ at: "send.retry", messageId, attempt, error: reason }));
      return "retry";
    }
    const why = err instanceof EvolutionError && err.status === 0 && !err.retryable ? `${reason} ${MAYBE_DELIVERED}` : reason;
    return fail(env, m.id, attempt > 1 ? `${why} (after ${attempt} attempts)` : why);
  }
}

/**
 * Evolution took the message: whatever happens next it is never sent again. Its key.id goes
 * through the instance object (which matches early receipts and echoes); if that cannot be
 * reached, straight to D1, so receipts still find it.
 */
async function recordSent(env: Env, instanceId: string, messageId: string, keyId: string): Promise<void> {
  try {
    await env.WA_INSTANCE.getByName(instanceId).outboundSent(messageId, keyId);
    return;
  } catch (err) {
    console.warn(JSON.stringify({ at: "send.record", messageId, keyId, via: "instance", error: String(err) }));
  }
  try {
    const [row] = await attachExternalIdStmt(getDb(env.DB), messageId, keyId);
    if (row) await publishMessage(env, messageId, row.conversationId);
  } catch (err) {
    console.error(JSON.stringify({ at: "send.record", messageId, keyId, via: "d1", error: String(err) }));
  }
}

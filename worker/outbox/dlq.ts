// The dead-letter queues' consumer: a queue message that failed every delivery ends here, and
// its failure is recorded where the user sees it — never dropped in silence:
//   parley-send-dlq / parley-campaign-sends-dlq → the outbox row failed (retryable), with its
//     message bubble (retry from the bubble) or its campaign recipient and counter;
//   parley-media-dlq → the inbound message says its media could not be fetched;
//   parley-ai-replies-dlq → the conversation's agent is paused with the reason (the inbox shows it).
import { setAgentFailed } from "../agents/replies.queries";
import { getMessage, updateMessage } from "../inbox/messages.queries";
import { getDb } from "../platform/db/client";
import { publish, publishMessage } from "../platform/realtime/publish";
import { aiReplyJob, mediaJob, outboxJob, sendJob } from "../shared/queues";
import type { Outcome } from "./attempt";
import { sendContext } from "./context.queries";
import { getOutbox } from "./outbox.queries";
import { settle } from "./settle";

const deadReason = (attempts: number) =>
  `Not sent: the send failed on every one of its ${attempts} deliveries (dead-lettered); retry it when the cause is fixed`;

export async function handleDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = getDb(env.DB);
  for (const msg of batch.messages) {
    try {
      console.error(JSON.stringify({ at: "queue.dead_letter", queue: batch.queue, id: msg.id, attempts: msg.attempts }));
      if (batch.queue === "parley-media-dlq") {
        const job = mediaJob.safeParse(msg.body);
        const m = job.success ? await getMessage(db, job.data.messageId) : undefined;
        if (m && !m.mediaKey) {
          await updateMessage(db, m.id, { error: "Media unavailable: it could not be fetched from Evolution (dead-lettered after repeated failures)" });
          await publishMessage(env, m.id, m.conversationId);
        }
      } else if (batch.queue === "parley-ai-replies-dlq") {
        const job = aiReplyJob.safeParse(msg.body);
        if (job.success) {
          await setAgentFailed(db, job.data.conversationId, "The agent's reply failed repeatedly and was given up (dead-lettered); the agent is paused");
          await publish(env, "conversations", job.data.conversationId);
        }
      } else await failDeadSend(env, msg.body, Math.max(1, msg.attempts));
      msg.ack();
    } catch (err) {
      console.error(JSON.stringify({ at: "queue.dead_letter_error", queue: batch.queue, id: msg.id, error: String(err) }));
      msg.retry({ delaySeconds: 30 });
    }
  }
}

/** The outbox row of a dead-lettered send, failed (retryable) with the reason — unless it was settled meanwhile. */
async function failDeadSend(env: Env, body: unknown, attempts: number): Promise<void> {
  const db = getDb(env.DB);
  const job = outboxJob.safeParse(body);
  const legacy = sendJob.safeParse(body);
  let id = job.success ? job.data.outboxId : null;
  if (!id && legacy.success) id = (await getMessage(db, legacy.data.messageId))?.outboxId ?? null;
  if (!id) return;
  const row = await getOutbox(db, id);
  if (!row || (row.state !== "queued" && row.state !== "sending")) return;
  // The failure is settled like the consumer's own (the guards skip a row settled meanwhile).
  const outcome: Outcome = { kind: "failed", row, error: deadReason(attempts), retryable: true };
  await settle(env, await sendContext(db, [row]), [outcome], Date.now());
}

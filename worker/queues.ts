// One queue entry point (CONVENTIONS §17): dispatch on the queue's name.
import { handleAiReplyBatch } from "./agents/ai-reply.queue";
import { handleMediaBatch } from "./inbox/media.queue";
import { handleDeadLetters } from "./outbox/dlq";
import { handleOutboxBatch } from "./outbox/send.queue";

export async function handleQueue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
  switch (batch.queue) {
    case "parley-send":
    case "parley-campaign-sends":
      return handleOutboxBatch(batch, env);
    case "parley-media":
      return handleMediaBatch(batch, env);
    case "parley-ai-replies":
      return handleAiReplyBatch(batch, env);
    case "parley-send-dlq":
    case "parley-campaign-sends-dlq":
    case "parley-media-dlq":
    case "parley-ai-replies-dlq":
      return handleDeadLetters(batch, env);
    default:
      // Never ack what nobody handles: it is retried and ends in the dead-letter queue.
      console.error(JSON.stringify({ at: "queue.unknown", queue: batch.queue, messages: batch.messages.length }));
      batch.retryAll();
  }
}

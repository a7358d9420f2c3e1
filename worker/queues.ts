// One queue entry point (CONVENTIONS §17): dispatch on the queue's name.
import { handleAiReplyBatch } from "./agents/ai-reply.queue";
import { handleCampaignBatch } from "./campaigns/campaign-send.queue";
import { handleMediaBatch } from "./inbox/media.queue";
import { handleSendBatch } from "./inbox/send.queue";

export async function handleQueue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
  switch (batch.queue) {
    case "parley-send":
      return handleSendBatch(batch, env);
    case "parley-media":
      return handleMediaBatch(batch, env);
    case "parley-campaign-sends":
      return handleCampaignBatch(batch, env);
    case "parley-ai-replies":
      return handleAiReplyBatch(batch, env);
    default:
      // Never ack what nobody handles: it is retried and ends in the dead-letter queue.
      console.error(JSON.stringify({ at: "queue.unknown", queue: batch.queue, messages: batch.messages.length }));
      batch.retryAll();
  }
}

// AI_REPLY_QUEUE consumer: one job per inbound message (debounced, see agents/hooks.ts).
// Retries: a failed generation is retried by the queue with backoff (10 s, 20 s), AI_ATTEMPTS
// in all; then — or at once when no model is reachable — the conversation is handed to a human
// with a visible error. The SDK's own retries are off, so one job costs at most AI_ATTEMPTS
// model calls: no retry storm, and never more than one reply per burst.
import { type AiReplyJob, aiReplyJob } from "../shared/queues";
import { isPermanentAiError, isUnavailableError } from "./ai-reply";
import { giveUp, runReply } from "./reply";

export const AI_ATTEMPTS = 3;
export const aiBackoff = (attempts: number) => 10 * 2 ** (attempts - 1);

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 300);

export async function handleAiReplyBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const msg of batch.messages) {
    const parsed = aiReplyJob.safeParse(msg.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ at: "ai-reply.bad_message", id: msg.id }));
      msg.ack();
      continue;
    }
    const job: AiReplyJob = parsed.data;
    try {
      const out = await runReply(env, job);
      console.log(JSON.stringify({ at: "ai-reply", conversationId: job.conversationId, attempt: msg.attempts, ...out }));
      if (out.kind === "unavailable") await giveUp(env, job, out.agentId, `AI unavailable: ${out.reason}`);
      msg.ack();
    } catch (err) {
      const unavailable = isUnavailableError(err);
      const last = msg.attempts >= AI_ATTEMPTS || isPermanentAiError(err);
      console.error(JSON.stringify({ at: "ai-reply.error", conversationId: job.conversationId, attempt: msg.attempts, last, error: describe(err) }));
      if (!last) {
        msg.retry({ delaySeconds: aiBackoff(msg.attempts) });
        continue;
      }
      try {
        await giveUp(env, job, job.agentId, unavailable ? `AI unavailable: ${describe(err)}` : `The agent could not reply: ${describe(err)}`);
        msg.ack();
      } catch (inner) {
        // D1 itself is failing: let the queue try again (bounded by max_retries, then the DLQ).
        console.error(JSON.stringify({ at: "ai-reply.giveUp", error: describe(inner) }));
        msg.retry({ delaySeconds: aiBackoff(msg.attempts) });
      }
    }
  }
}

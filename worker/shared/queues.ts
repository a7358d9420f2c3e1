// The bodies of the Worker's queue messages, one zod schema per queue: the producer is typed
// with it (worker/platform/queues.ts) and the consumer parses every message with it.
import { z } from "zod";

const id = z.string().min(1).max(64);

/**
 * SEND_QUEUE and CAMPAIGN_QUEUE: one outbox row to send (worker/outbox/). The row holds the
 * idempotency key and the state; the queue message only says "look at it now".
 */
export const outboxJob = z.object({ outboxId: id });
export type OutboxJob = z.infer<typeof outboxJob>;

/** SEND_QUEUE before the outbox: one inbox message by id (still read, so none queued at a deploy is lost). */
export const sendJob = z.object({ messageId: id });

/** MEDIA_QUEUE: one inbound message whose media to fetch from Evolution into R2. */
export const mediaJob = z.object({ messageId: id });
export type MediaJob = z.infer<typeof mediaJob>;

/** CAMPAIGN_QUEUE before the outbox: one recipient (recognised and dropped; the send clock hands it out again). */
export const campaignSendMessage = z.object({
  v: z.literal(1),
  campaign_id: id,
  contact_id: id,
  /** The send slot the clock handed out (epoch ms); absent when the campaign is unpaced. */
  slot_at: z.number().int().optional(),
});

/**
 * AI_REPLY_QUEUE: one inbound message an agent may answer. `agentId` is who would answer when
 * the message arrived; the consumer routes again when it runs.
 */
export const aiReplyJob = z.object({
  conversationId: id,
  messageId: id,
  agentId: id.nullable(),
  enqueuedAt: z.number().int().nonnegative(),
  /** Times an early delivery was put back (see agents/reply.ts). */
  deferrals: z.number().int().nonnegative().optional(),
});
export type AiReplyJob = z.infer<typeof aiReplyJob>;

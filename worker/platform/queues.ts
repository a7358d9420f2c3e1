// The queues' producers, typed with their bodies (shared/queues.ts). The generated Env types
// every queue binding as Queue<unknown>; these accessors are where a body meets its queue.
import type { AiReplyJob, MediaJob, OutboxJob } from "../shared/queues";

export const sendQueue = (env: Env): Queue<OutboxJob> => env.SEND_QUEUE;
export const mediaQueue = (env: Env): Queue<MediaJob> => env.MEDIA_QUEUE;
export const campaignQueue = (env: Env): Queue<OutboxJob> => env.CAMPAIGN_QUEUE;
export const aiReplyQueue = (env: Env): Queue<AiReplyJob> => env.AI_REPLY_QUEUE;

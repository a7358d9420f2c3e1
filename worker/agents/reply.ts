// One agent reply, run by the AI_REPLY_QUEUE consumer (worker/agents/ai-reply.queue.ts):
//   debounce check → route → prompt → generate (tools) → ownership lock → send as `agent`.
// Every check reads D1, so a redelivered or duplicate job changes nothing twice.

import { queueOutbound } from "../inbox/outbound";
import { getDb } from "../platform/db/client";
import { aiReplyQueue } from "../platform/queues";
import { publish } from "../platform/realtime/publish";
import type { AgentConversationEvent } from "../shared/agents";
import type { AiReplyJob } from "../shared/queues";
import { draftReply, modelFor } from "./ai-reply";
import { debounceMs, delaySecondsFor } from "./hooks";
import { buildInstructions, HISTORY_ROWS, historyMessages } from "./prompt";
import { conversationWithContact, getAgentState, latestInbound, recentHistory, sendersSince, setAgentFailed } from "./replies.queries";
import { routeAgent } from "./routing";
import { agentTools, type ToolRun } from "./tools";

export type ReplyOutcome =
  | { kind: "sent"; messageId: string; agentId: string; toolCalls: string[] }
  | { kind: "skipped"; reason: string }
  | { kind: "deferred"; delaySeconds: number }
  | { kind: "dropped"; reason: string; agentId: string }
  | { kind: "unavailable"; reason: string; agentId: string };

/** A job that arrives early (a queue delivering before its delay) is put back this many times at most. */
const MAX_DEFERRALS = 3;

export async function runReply(env: Env, job: AiReplyJob): Promise<ReplyOutcome> {
  const db = getDb(env.DB);
  const loaded = await conversationWithContact(db, job.conversationId);
  if (!loaded) return { kind: "skipped", reason: "conversation gone" };
  const { conversation: conv, contact } = loaded;
  if (conv.status !== "active") return { kind: "skipped", reason: "conversation archived" };

  // Debounce: only the job of the latest inbound message answers the burst.
  const trigger = await latestInbound(db, conv.id);
  if (!trigger || trigger.id !== job.messageId) return { kind: "skipped", reason: "a newer inbound message will be answered" };
  const remaining = job.enqueuedAt + debounceMs(env) - Date.now();
  if (remaining > 250 && (job.deferrals ?? 0) < MAX_DEFERRALS) {
    const delaySeconds = Math.max(1, delaySecondsFor(remaining));
    await aiReplyQueue(env).send({ ...job, deferrals: (job.deferrals ?? 0) + 1 }, { delaySeconds });
    return { kind: "deferred", delaySeconds };
  }

  const routed = await routeAgent(db, { instanceId: conv.instanceId, contactId: contact.id, agentId: conv.agentId, agentPaused: conv.agentPaused });
  if (!routed) return { kind: "skipped", reason: conv.agentPaused ? "paused for a human" : "no agent applies" };
  const agent = routed.agent;
  const before = await sendersSince(db, conv.id, trigger.createdAt);
  if (before.has("agent")) return { kind: "skipped", reason: "already answered" };
  if (before.has("user") || before.has("phone")) return { kind: "skipped", reason: "a human answered" };

  const choice = modelFor(env, agent);
  if (!choice.ok) return { kind: "unavailable", reason: choice.reason, agentId: agent.id };

  const run: ToolRun = { env, db, agentId: agent.id, conversationId: conv.id, contactId: contact.id, handedOff: null, effects: [] };
  const draft = await draftReply({
    model: choice.model,
    instructions: buildInstructions(agent, contact),
    messages: historyMessages(await recentHistory(db, conv.id, HISTORY_ROWS)),
    tools: agentTools(run),
  });

  // Ownership lock: whatever happened while the model was thinking wins over its answer.
  const [state, latest, during] = await Promise.all([getAgentState(db, conv.id), latestInbound(db, conv.id), sendersSince(db, conv.id, trigger.createdAt)]);
  const drop = (reason: string): ReplyOutcome => ({ kind: "dropped", reason, agentId: agent.id });
  if (state?.status !== "active") return drop("conversation archived or gone");
  if (during.has("user") || during.has("phone")) return drop("a human sent a message during generation");
  if (state.agentPaused && !run.handedOff) return drop("paused for a human during generation");
  if (during.has("agent")) return drop("already answered");
  if (latest && latest.id !== trigger.id) return drop("the contact wrote again; the newer message will be answered");
  if (!draft.text) {
    if (run.handedOff) return drop("handed over without a closing message");
    throw new EmptyReplyError();
  }
  const sent = await queueOutbound(env, conv, { type: "text", content: draft.text.slice(0, 4096) }, "agent");
  return { kind: "sent", messageId: sent.id, agentId: agent.id, toolCalls: draft.toolCalls };
}

export class EmptyReplyError extends Error {
  constructor() {
    super("the model returned an empty reply");
    this.name = "EmptyReplyError";
  }
}

/**
 * The end of the road for a job (no model, or retries spent): the conversation is left to a
 * human (agent paused) and the inbox is told why. Never a canned reply.
 */
export async function giveUp(env: Env, job: AiReplyJob, agentId: string | null, error: string): Promise<void> {
  const db = getDb(env.DB);
  await setAgentFailed(db, job.conversationId, error.slice(0, 500));
  const data: AgentConversationEvent = { conversation_id: job.conversationId, agent_id: agentId, agent_status: "error", error: error.slice(0, 500) };
  console.error(JSON.stringify({ at: "agent.gaveUp", ...data }));
  await publish(env, "conversations", job.conversationId, data);
}

// The inbox's two calls into the agents (PRODUCT.md §5.6):
//   onInboundMessage — after a contact's message is stored (never for our own, a human's or an
//     agent's messages: only the contact triggers a reply);
//   onHumanMessage — after a human sends (dashboard, or fromMe from the phone): the agent pauses
//     on that conversation until someone resumes it from the inbox.
// Neither throws: a failure here must not fail storing the message.
import { getDb } from "../platform/db/client";
import { CACHE_KEYS, cached, HOT_TTL_MS } from "../platform/lib/ttl-cache";
import { aiReplyQueue } from "../platform/queues";
import { publish } from "../platform/realtime/publish";
import type { AiReplyJob } from "../shared/queues";
import { anyEnabledAgent } from "./agents.queries";
import { getAgentState, setAgentPaused } from "./replies.queries";
import { routeAgent } from "./routing";

export type InboundRef = { instanceId: string; conversationId: string; contactId: string; messageId: string };

/** Queues allow at most 12 h of delay; the window is meant to be seconds. */
const MAX_DELAY_S = 43_200;

export function debounceMs(env: Env): number {
  const n = Number(env.AGENT_DEBOUNCE_MS);
  return Number.isFinite(n) && n >= 0 ? n : 4000;
}

export function delaySecondsFor(ms: number): number {
  return Math.min(MAX_DELAY_S, Math.max(0, Math.ceil(ms / 1000)));
}

/**
 * Debounce: every inbound message queues one job, delivered after the window. When a job runs
 * it replies only if its message is still the conversation's latest inbound one, so a burst
 * of messages gets one reply, `window` after its last message.
 */
export async function onInboundMessage(env: Env, ref: InboundRef): Promise<void> {
  try {
    const db = getDb(env.DB);
    // Most tenants' messages meet no agent at all: one cached answer instead of three queries.
    if (!(await cached(CACHE_KEYS.anyEnabledAgent, HOT_TTL_MS, () => anyEnabledAgent(db)))) return;
    const state = await getAgentState(db, ref.conversationId);
    if (state?.status !== "active" || state.agentPaused) return;
    const routed = await routeAgent(db, { instanceId: ref.instanceId, contactId: ref.contactId, agentId: state.agentId, agentPaused: state.agentPaused });
    // No agent yet may still mean one later in this window (a campaign reply assigns its
    // responding agent right after this hook, a tag lands): queue while any agent is enabled.
    if (!routed && !(await cached(CACHE_KEYS.anyEnabledAgent, HOT_TTL_MS, () => anyEnabledAgent(db)))) return;
    const job: AiReplyJob = { conversationId: ref.conversationId, messageId: ref.messageId, agentId: routed?.agent.id ?? null, enqueuedAt: Date.now() };
    await aiReplyQueue(env).send(job, { delaySeconds: delaySecondsFor(debounceMs(env)) });
  } catch (err) {
    console.error(JSON.stringify({ at: "agent.onInbound", conversationId: ref.conversationId, error: String(err) }));
  }
}

/** A human spoke on the conversation: the agent steps back (a reply in flight is dropped). */
export async function onHumanMessage(env: Env, conversationId: string): Promise<void> {
  try {
    if (await setAgentPaused(getDb(env.DB), conversationId, true)) await publish(env, "conversations", conversationId);
  } catch (err) {
    console.error(JSON.stringify({ at: "agent.onHuman", conversationId, error: String(err) }));
  }
}

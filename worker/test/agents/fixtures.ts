// Shared setup for the agent tests: seeded rows, a recording queue, mock models, job runner.
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { MockLanguageModelV4 } from "ai/test";
import { newId } from "../../platform/lib/ids";
import { handleQueue } from "../../queues";
import type { AgentView } from "../../shared/agents";
import type { AiReplyJob } from "../../shared/queues";
import { api, jsonOf, seedInstance, uid } from "../helpers";

type LanguageModelV4GenerateResult = Awaited<ReturnType<MockLanguageModelV4["doGenerate"]>>;
type LanguageModelV4CallOptions = Parameters<MockLanguageModelV4["doGenerate"]>[0];

export type Sent = { body: unknown; delaySeconds?: number };

/** A Queue producer that records what was sent (the tests drive the consumer themselves). */
export function recordingQueue() {
  const sent: Sent[] = [];
  const q = {
    sent,
    async send(body: unknown, opts?: { delaySeconds?: number }) {
      sent.push({ body, delaySeconds: opts?.delaySeconds });
    },
    async sendBatch(msgs: Iterable<{ body: unknown; delaySeconds?: number }>) {
      for (const m of msgs) sent.push({ body: m.body, delaySeconds: m.delaySeconds });
    },
  };
  return q;
}

/** The real bindings, with both queues recorded instead of delivered and no debounce wait. */
export function testEnv(overrides: Partial<Record<string, unknown>> = {}) {
  const aiQueue = recordingQueue();
  const sendQueue = recordingQueue();
  const e = { ...env, AI_REPLY_QUEUE: aiQueue, SEND_QUEUE: sendQueue, AGENT_DEBOUNCE_MS: "0", ...overrides } as unknown as Env;
  return { env: e, aiQueue, sendQueue };
}

export async function createAgent(instanceId: string, body: Record<string, unknown> = {}): Promise<AgentView> {
  const res = await api("/api/agents", { method: "POST", json: { name: `Agent ${uid()}`, instance_id: instanceId, assigned_tags: [], ...body } });
  if (res.status !== 201) throw new Error(`agent create failed: ${res.status} ${await res.text()}`);
  return jsonOf<AgentView>(res);
}

const digits = () => `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;

export async function seedContact(o: { tags?: string[]; llm?: Record<string, unknown>; name?: string; country?: string } = {}) {
  const id = newId("contact");
  const tags = o.tags ?? [];
  await env.DB.batch([
    env.DB.prepare("INSERT INTO contacts (id, name, whatsapp_number, country, tags, llm_context) VALUES (?, ?, ?, ?, ?, ?)").bind(
      id,
      o.name ?? "Ana Souza",
      `+${digits()}`,
      o.country ?? "BR",
      JSON.stringify(tags),
      JSON.stringify(o.llm ?? {}),
    ),
    ...tags.map((t) => env.DB.prepare("INSERT INTO contact_tags (contact_id, tag) VALUES (?, ?)").bind(id, t)),
  ]);
  return id;
}

export async function seedConversation(o: { tags?: string[]; llm?: Record<string, unknown>; agentId?: string; paused?: boolean; name?: string } = {}) {
  const inst = await seedInstance({ status: "open" });
  const contactId = await seedContact(o);
  const id = newId("conversation");
  await env.DB.prepare(
    "INSERT INTO conversations (id, instance_id, instance_name, contact_id, contact_name, agent_id, agent_paused) VALUES (?, ?, ?, ?, ?, ?, ?)",
  )
    .bind(id, inst.id, inst.name, contactId, o.name ?? "Ana Souza", o.agentId ?? null, o.paused ? 1 : 0)
    .run();
  return { inst, contactId, conversationId: id };
}

let clock = Date.now() - 10 * 86_400_000;
/** Strictly increasing message timestamps (WhatsApp's are seconds; ours are ms). */
export const nextTs = () => (clock += 1000);

export async function addMessage(
  conversationId: string,
  instanceId: string,
  sender: "contact" | "agent" | "user" | "phone" | "campaign",
  content: string,
  ts = nextTs(),
) {
  const id = newId("message");
  await env.DB.prepare(
    "INSERT INTO messages (id, conversation_id, instance_id, type, from_me, timestamp, content, status, sender) VALUES (?, ?, ?, 'text', ?, ?, ?, ?, ?)",
  )
    .bind(id, conversationId, instanceId, sender === "contact" ? 0 : 1, ts, content, sender === "contact" ? "delivered" : "sent", sender)
    .run();
  return id;
}

export const job = (conversationId: string, messageId: string, agentId: string, over: Partial<AiReplyJob> = {}): AiReplyJob => ({
  conversationId,
  messageId,
  agentId,
  enqueuedAt: Date.now(),
  ...over,
});

/** Runs jobs through the real queue entry point; returns the ack/retry result. */
export async function runJobs(e: Env, jobs: AiReplyJob[], attempts = 1) {
  const batch = createMessageBatch<AiReplyJob>(
    "parley-ai-replies",
    jobs.map((body, i) => ({ id: `m${i}-${uid()}`, timestamp: Date.now(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await handleQueue(batch as MessageBatch<unknown>, e, ctx);
  return getQueueResult(batch, ctx);
}

const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };

export const textResult = (text: string): LanguageModelV4GenerateResult => ({
  content: [{ type: "text", text }],
  finishReason: { unified: "stop", raw: "stop" },
  usage,
  warnings: [],
});

export const toolResult = (calls: { name: string; input: unknown }[]): LanguageModelV4GenerateResult => ({
  content: calls.map((c, i) => ({ type: "tool-call", toolCallId: `call-${i}-${uid()}`, toolName: c.name, input: JSON.stringify(c.input) })),
  finishReason: { unified: "tool-calls", raw: "tool_calls" },
  usage,
  warnings: [],
});

/** A mock whose answers are played in order (the last one repeats). */
export function scriptedModel(results: LanguageModelV4GenerateResult[], before?: (call: LanguageModelV4CallOptions) => Promise<void>) {
  let i = 0;
  return new MockLanguageModelV4({
    doGenerate: async (call) => {
      if (before) await before(call);
      const r = results[Math.min(i++, results.length - 1)];
      if (!r) throw new Error("no scripted result");
      return r;
    },
  });
}

export const messagesOf = (conversationId: string) =>
  env.DB.prepare("SELECT id, sender, content, from_me, status, outbox_id FROM messages WHERE conversation_id = ? ORDER BY timestamp, id")
    .bind(conversationId)
    .all<{ id: string; sender: string; content: string | null; from_me: number; status: string; outbox_id: string | null }>()
    .then((r) => r.results);

export const convState = (id: string) =>
  env.DB.prepare("SELECT agent_paused, agent_id FROM conversations WHERE id = ?").bind(id).first<{ agent_paused: number; agent_id: string | null }>();

export const contactRow = (id: string) =>
  env.DB.prepare("SELECT tags, llm_context FROM contacts WHERE id = ?")
    .bind(id)
    .first<{ tags: string; llm_context: string }>()
    .then((r) => (r ? { tags: JSON.parse(r.tags) as string[], llm: JSON.parse(r.llm_context) as Record<string, unknown> } : null));

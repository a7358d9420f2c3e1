// Nothing ends in silence: a send whose consumer died mid-way is taken back by the sweeper and
// ends sent exactly once (Evolution asked first) — and a queue message that reached a dead-letter
// queue shows up as failed with the reason, retryable from the bubble.
import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import worker from "../../index";
import { messageSendFor } from "../../outbox/legacy";
import { sweepOutbox } from "../../outbox/sweep";
import { newId } from "../../platform/lib/ids";
import { handleQueue } from "../../queues";
import type { MessageView } from "../../shared/inbox";
import { openInstance, settle } from "../campaigns/fixtures";
import { api, eventually, jsonOf } from "../helpers";
import { installSimulator } from "../simulator-harness";

const { sim, restore } = installSimulator();
afterAll(async () => {
  await settle(sim);
  restore();
});

const newDigits = () => `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;

/** A pending message of ours with its outbox row, as the consumer left it when it died after claiming it. */
async function claimedAndAbandoned(inst: { id: string }, text: string) {
  const digits = newDigits();
  const contact = await jsonOf<{ id: string }>(await api("/api/contacts", { method: "POST", json: { whatsapp_number: `+${digits}`, name: "Sweep" } }));
  const conv = await jsonOf<{ id: string }>(await api("/api/conversations", { method: "POST", json: { contact_id: contact.id, instance_id: inst.id } }));
  const id = newId("message");
  await env.DB.prepare(
    "INSERT INTO messages (id, conversation_id, instance_id, type, from_me, content, status, sender, timestamp) VALUES (?, ?, ?, 'text', 1, ?, 'pending', 'user', ?)",
  )
    .bind(id, conv.id, inst.id, text, Date.now())
    .run();
  const outboxId = await messageSendFor(env, id);
  if (!outboxId) throw new Error("no outbox row");
  const now = Date.now();
  await env.DB.prepare("UPDATE outbox SET state = 'sending', attempts = 1, first_attempt_at = ?, lease_until = ? WHERE id = ?")
    .bind(now - 200_000, now - 1000, outboxId)
    .run();
  return { id, conv, digits, outboxId };
}

const stateOf = (outboxId: string) =>
  env.DB.prepare("SELECT state, external_id, uncertain FROM outbox WHERE id = ?")
    .bind(outboxId)
    .first<{ state: string; external_id: string | null; uncertain: number }>();
const messageOf = async (convId: string, id: string) =>
  (await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${convId}/messages`))).items.find((m) => m.id === id);

describe("the sweeper", () => {
  it("a send stuck in `sending` that never reached Evolution is sent once", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const s = await claimedAndAbandoned(inst, "ficou preso");
    expect((await sweepOutbox(env)).expired).toBeGreaterThanOrEqual(1);
    const done = await eventually(async () => {
      const r = await stateOf(s.outboxId);
      return r && r.state !== "queued" && r.state !== "sending" ? r : null;
    }, 15_000);
    expect(["accepted", "delivered", "read"]).toContain(done.state);
    expect(sim.accepted(inst.name).filter((x) => x.number === s.digits)).toHaveLength(1);
    // The bubble follows the outbox row (the instance object records the send after the batch).
    await eventually(async () => (await messageOf(s.conv.id, s.id))?.status !== "pending");
  });

  it("one that Evolution had taken before the consumer died is reconciled, not sent again", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const s = await claimedAndAbandoned(inst, "já tinha ido");
    const token = sim.instance(inst.name).token;
    const direct = await sim.app.fetch(
      new Request(`http://sim/message/sendText/${inst.name}`, {
        method: "POST",
        headers: { apikey: token, "content-type": "application/json" },
        body: JSON.stringify({ number: s.digits, text: "já tinha ido" }),
      }),
    );
    expect(direct.status).toBe(201);
    const keyId = ((await direct.json()) as { key: { id: string } }).key.id;
    // The cron trigger runs the sweeper.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: "* * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    const done = await eventually(async () => {
      const r = await stateOf(s.outboxId);
      return r?.external_id ? r : null;
    }, 15_000);
    expect(done.external_id).toBe(keyId);
    await settle(sim, 500);
    expect(sim.accepted(inst.name).filter((x) => x.number === s.digits)).toHaveLength(1);
    expect((await messageOf(s.conv.id, s.id))?.external_id).toBe(keyId);
  });
});

describe("dead-letter queues", () => {
  it("a send that reached the DLQ is failed with the reason, and the bubble's retry sends it once", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const s = await claimedAndAbandoned(inst, "caiu na DLQ");
    await env.DB.prepare("UPDATE outbox SET state = 'queued', lease_until = NULL WHERE id = ?").bind(s.outboxId).run();
    const batch = createMessageBatch("parley-send-dlq", [{ id: "dead-1", timestamp: new Date(), attempts: 6, body: { outboxId: s.outboxId } }]);
    const ctx = createExecutionContext();
    await handleQueue(batch, env, ctx);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dead-1"]);
    const failed = await messageOf(s.conv.id, s.id);
    expect(failed?.status).toBe("failed");
    expect(failed?.error).toMatch(/dead-lettered/);
    expect(await stateOf(s.outboxId)).toMatchObject({ state: "failed" });
    expect((await api(`/api/conversations/${s.conv.id}/messages/${s.id}/retry`, { method: "POST" })).status).toBe(202);
    await eventually(async () => ["sent", "delivered", "read"].includes((await messageOf(s.conv.id, s.id))?.status ?? ""), 15_000);
    expect(sim.accepted(inst.name).filter((x) => x.number === s.digits)).toHaveLength(1);
  });

  it("an agent reply job that reached its DLQ pauses the agent with the reason", async () => {
    const inst = await openInstance(sim);
    const contact = await jsonOf<{ id: string }>(await api("/api/contacts", { method: "POST", json: { whatsapp_number: `+${newDigits()}`, name: "Agente" } }));
    const conv = await jsonOf<{ id: string }>(await api("/api/conversations", { method: "POST", json: { contact_id: contact.id, instance_id: inst.id } }));
    const body = { conversationId: conv.id, messageId: newId("message"), agentId: null, enqueuedAt: Date.now() };
    const batch = createMessageBatch("parley-ai-replies-dlq", [{ id: "dead-ai", timestamp: new Date(), attempts: 4, body }]);
    const ctx = createExecutionContext();
    await handleQueue(batch, env, ctx);
    await getQueueResult(batch, ctx);
    const view = await jsonOf<{ agent_paused: boolean; agent_error: string | null }>(await api(`/api/conversations/${conv.id}`));
    expect(view.agent_paused).toBe(true);
    expect(view.agent_error).toMatch(/dead-lettered/);
  });
});

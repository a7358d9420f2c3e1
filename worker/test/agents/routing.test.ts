import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { setModelForTests } from "../../agents/ai-reply";
import { onInboundMessage } from "../../agents/hooks";
import { routeAgent } from "../../agents/routing";
import { getDb } from "../../platform/db/client";
import type { AiReplyJob } from "../../shared/queues";
import { seedInstance } from "../helpers";
import { addMessage, createAgent, messagesOf, runJobs, scriptedModel, seedContact, seedConversation, testEnv, textResult } from "./fixtures";

const db = () => getDb(env.DB);

describe("agent routing", () => {
  it("picks the enabled agent of the instance whose tags overlap the contact's most; ties go to the oldest", async () => {
    const inst = await seedInstance({ status: "open" });
    const other = await seedInstance({ status: "open" });
    const contactId = await seedContact({ tags: ["vip", "shoes", "br"] });
    const oldest = await createAgent(inst.id, { assigned_tags: ["shoes"] });
    await createAgent(inst.id, { assigned_tags: ["br"] }); // same overlap (1), younger
    await createAgent(other.id, { assigned_tags: ["vip", "shoes", "br"] }); // other instance
    await createAgent(inst.id, { assigned_tags: ["vip", "shoes"], enabled: false }); // disabled
    const base = { instanceId: inst.id, contactId, agentId: null, agentPaused: false };
    expect((await routeAgent(db(), base))?.agent.id).toBe(oldest.id);

    const best = await createAgent(inst.id, { assigned_tags: ["vip", "br", "other"] }); // overlap 2 wins
    expect(await routeAgent(db(), base)).toMatchObject({ via: "tags", agent: { id: best.id } });
    expect(await routeAgent(db(), { ...base, agentPaused: true })).toBeNull();
  });

  it("nobody answers a contact without matching tags", async () => {
    const inst = await seedInstance({ status: "open" });
    await createAgent(inst.id, { assigned_tags: ["wholesale"] });
    const contactId = await seedContact({ tags: ["retail"] });
    expect(await routeAgent(db(), { instanceId: inst.id, contactId, agentId: null, agentPaused: false })).toBeNull();
  });

  it("a campaign's responding agent (conversation.agent_id) answers even without matching tags", async () => {
    const { inst, contactId } = await seedConversation({ tags: [] });
    const other = await seedInstance({ status: "open" });
    const responder = await createAgent(other.id, { assigned_tags: ["nothing-matches"] });
    await createAgent(inst.id, { assigned_tags: [] });
    const routed = await routeAgent(db(), { instanceId: inst.id, contactId, agentId: responder.id, agentPaused: false });
    expect(routed).toMatchObject({ via: "conversation", agent: { id: responder.id } });
    // …unless a human paused it.
    expect(await routeAgent(db(), { instanceId: inst.id, contactId, agentId: responder.id, agentPaused: true })).toBeNull();
  });

  it("onInboundMessage queues one delayed job for a routed conversation, none otherwise", async () => {
    const { inst, contactId, conversationId } = await seedConversation({ tags: ["vip"] });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    const { env: e, aiQueue } = testEnv({ AGENT_DEBOUNCE_MS: "4000" });
    const messageId = await addMessage(conversationId, inst.id, "contact", "oi");
    await onInboundMessage(e, { instanceId: inst.id, conversationId, contactId, messageId });
    expect(aiQueue.sent).toHaveLength(1);
    expect(aiQueue.sent[0]).toMatchObject({ delaySeconds: 4, body: { conversationId, messageId, agentId: agent.id } });

    const paused = await seedConversation({ tags: ["vip"], paused: true });
    await createAgent(paused.inst.id, { assigned_tags: ["vip"] });
    const m2 = await addMessage(paused.conversationId, paused.inst.id, "contact", "oi");
    await onInboundMessage(e, { instanceId: paused.inst.id, conversationId: paused.conversationId, contactId: paused.contactId, messageId: m2 });
    expect(aiQueue.sent).toHaveLength(1);
  });

  it("a job queued before any agent applied still answers once a campaign assigns its responding agent", async () => {
    const { inst, contactId, conversationId } = await seedConversation({ tags: [] });
    const responder = await createAgent(inst.id, { assigned_tags: ["never-matches"] });
    const { env: e, aiQueue } = testEnv();
    const messageId = await addMessage(conversationId, inst.id, "contact", "Quero saber mais da promoção");
    await onInboundMessage(e, { instanceId: inst.id, conversationId, contactId, messageId });
    expect(aiQueue.sent).toEqual([expect.objectContaining({ body: expect.objectContaining({ messageId, agentId: null }) })]);
    // The campaign follow-up runs after the hook and assigns the responding agent.
    await env.DB.prepare("UPDATE conversations SET agent_id = ? WHERE id = ?").bind(responder.id, conversationId).run();
    const model = scriptedModel([textResult("Claro! A promoção vale até domingo.")]);
    setModelForTests(() => model);
    await runJobs(
      e,
      aiQueue.sent.map((s) => s.body as AiReplyJob),
    );
    expect((await messagesOf(conversationId)).filter((m) => m.sender === "agent")).toHaveLength(1);
    setModelForTests(null);
  });
});

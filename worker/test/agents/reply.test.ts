import { afterEach, describe, expect, it } from "vitest";
import { setModelForTests } from "../../agents/ai-reply";
import { onInboundMessage } from "../../agents/hooks";
import type { AiReplyJob } from "../../shared/queues";
import {
  addMessage,
  contactRow,
  convState,
  createAgent,
  job,
  messagesOf,
  runJobs,
  scriptedModel,
  seedConversation,
  testEnv,
  textResult,
  toolResult,
} from "./fixtures";

afterEach(() => setModelForTests(null));

describe("agent replies", () => {
  it("three inbound messages within the window → one generation and one reply, sent as `agent`", async () => {
    const { inst, contactId, conversationId } = await seedConversation({ tags: ["vip"] });
    await createAgent(inst.id, { assigned_tags: ["vip"] });
    const model = scriptedModel([textResult("Olá Ana! Como posso ajudar?")]);
    setModelForTests(() => model);
    const { env: e, aiQueue, sendQueue } = testEnv();
    for (const text of ["oi", "tudo bem?", "queria saber do pedido"]) {
      const messageId = await addMessage(conversationId, inst.id, "contact", text);
      await onInboundMessage(e, { instanceId: inst.id, conversationId, contactId, messageId });
    }
    expect(aiQueue.sent).toHaveLength(3);
    const result = await runJobs(
      e,
      aiQueue.sent.map((s) => s.body as AiReplyJob),
    );
    expect(result.explicitAcks).toHaveLength(3);
    expect(result.retryMessages).toHaveLength(0);
    expect(model.doGenerateCalls).toHaveLength(1);
    const agentMsgs = (await messagesOf(conversationId)).filter((m) => m.sender === "agent");
    expect(agentMsgs).toEqual([expect.objectContaining({ content: "Olá Ana! Como posso ajudar?", from_me: 1, status: "pending" })]);
    // Stored with its outbox row, which the send queue is told to send.
    expect(agentMsgs[0]?.outbox_id).toMatch(/^obx_/);
    expect(sendQueue.sent).toEqual([{ body: { outboxId: agentMsgs[0]?.outbox_id }, delaySeconds: undefined }]);

    // Redelivery of the same jobs changes nothing (already answered).
    await runJobs(
      e,
      aiQueue.sent.map((s) => s.body as AiReplyJob),
    );
    expect(model.doGenerateCalls).toHaveLength(1);
    expect((await messagesOf(conversationId)).filter((m) => m.sender === "agent")).toHaveLength(1);
  });

  it("a second burst is answered even when the phone's clock puts it before our previous reply", async () => {
    const { inst, conversationId } = await seedConversation({ tags: ["vip"] });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    const now = Date.now();
    await addMessage(conversationId, inst.id, "contact", "primeira", now - 5000);
    await addMessage(conversationId, inst.id, "agent", "resposta anterior", now + 60_000); // our clock ahead
    const second = await addMessage(conversationId, inst.id, "contact", "segunda pergunta", now);
    const model = scriptedModel([textResult("Resposta à segunda.")]);
    setModelForTests(() => model);
    await runJobs(testEnv().env, [job(conversationId, second, agent.id)]);
    expect(model.doGenerateCalls).toHaveLength(1);
    expect((await messagesOf(conversationId)).filter((m) => m.sender === "agent").map((m) => m.content)).toContain("Resposta à segunda.");
  });

  it("the prompt holds the agent's context and memory, the contact's llm_context and profile, and the history", async () => {
    const { inst, conversationId } = await seedConversation({ tags: ["vip"], llm: { shoe_size: 38, likes: ["red"] }, name: "Ana Souza" });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"], system_context: "You sell shoes for Loja Azul.", memory: { opening_hours: "9-18" } });
    await addMessage(conversationId, inst.id, "contact", "Vocês têm tênis vermelho?");
    await addMessage(conversationId, inst.id, "agent", "Temos sim! Qual tamanho?");
    const last = await addMessage(conversationId, inst.id, "contact", "38, por favor");
    const model = scriptedModel([textResult("Perfeito, separei um par 38.")]);
    setModelForTests(() => model);
    const { env: e } = testEnv();
    await runJobs(e, [job(conversationId, last, agent.id)]);
    const call = model.doGenerateCalls[0];
    expect(call).toBeDefined();
    const system =
      call?.prompt
        .filter((m) => m.role === "system")
        .map((m) => m.content)
        .join("\n") ?? "";
    expect(system).toContain("You sell shoes for Loja Azul.");
    expect(system).toContain('"opening_hours": "9-18"');
    expect(system).toContain('"shoe_size": 38');
    expect(system).toContain("Ana Souza");
    expect(system).toContain("Tags: vip");
    const turns = call?.prompt.filter((m) => m.role !== "system").map((m) => ({ role: m.role, text: JSON.stringify(m.content) }));
    expect(turns?.map((t) => t.role)).toEqual(["user", "assistant", "user"]);
    expect(turns?.[0]?.text).toContain("tênis vermelho");
    expect(turns?.[2]?.text).toContain("38, por favor");
    expect(call?.tools?.map((t) => t.name).sort()).toEqual(["hand_over_to_human", "remember_about_contact", "tag_contact", "untag_contact"]);
  });

  it("history is bounded by tokens, not turns: a long chat keeps its newest messages", async () => {
    const { inst, conversationId } = await seedConversation({ tags: ["vip"] });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    for (let i = 0; i < 60; i++) await addMessage(conversationId, inst.id, i % 2 ? "agent" : "contact", `message ${i} ${"x".repeat(400)}`);
    const last = await addMessage(conversationId, inst.id, "contact", "the newest question");
    const model = scriptedModel([textResult("ok")]);
    setModelForTests(() => model);
    await runJobs(testEnv().env, [job(conversationId, last, agent.id)]);
    const text = JSON.stringify(model.doGenerateCalls[0]?.prompt);
    expect(text).toContain("the newest question");
    expect(text).toContain("message 59");
    expect(text).not.toContain("message 0 ");
    // More than 10 turns fit when they are short.
    expect(text.match(/message \d+/g)?.length ?? 0).toBeGreaterThan(10);
  });

  it("tool calls append to llm_context (deep merge) and tag / untag the contact", async () => {
    const { inst, contactId, conversationId } = await seedConversation({ tags: ["vip", "lead"], llm: { prefs: { color: "red" }, orders: ["A1"] } });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    const last = await addMessage(conversationId, inst.id, "contact", "Comprei o pedido B2, tamanho 38");
    const model = scriptedModel([
      toolResult([
        { name: "remember_about_contact", input: { entry: { prefs: { size: 38 }, orders: ["B2"] } } },
        { name: "tag_contact", input: { tag: " Customer " } },
        { name: "untag_contact", input: { tag: "lead" } },
      ]),
      textResult("Anotado!"),
    ]);
    setModelForTests(() => model);
    await runJobs(testEnv().env, [job(conversationId, last, agent.id)]);
    expect(model.doGenerateCalls).toHaveLength(2);
    const c = await contactRow(contactId);
    expect(c?.llm).toEqual({ prefs: { color: "red", size: 38 }, orders: ["A1", "B2"] });
    expect(c?.tags.sort()).toEqual(["customer", "vip"]);
    expect((await messagesOf(conversationId)).at(-1)).toMatchObject({ sender: "agent", content: "Anotado!" });
  });

  it("handoff pauses the agent on the conversation; its closing words go out, later messages get no reply", async () => {
    const { inst, contactId, conversationId } = await seedConversation({ tags: ["vip"] });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    const first = await addMessage(conversationId, inst.id, "contact", "Quero falar com uma pessoa");
    const model = scriptedModel([toolResult([{ name: "hand_over_to_human", input: { reason: "asked for a person" } }]), textResult("Vou chamar um colega.")]);
    setModelForTests(() => model);
    const { env: e, aiQueue } = testEnv();
    await runJobs(e, [job(conversationId, first, agent.id)]);
    expect((await convState(conversationId))?.agent_paused).toBe(1);
    expect((await messagesOf(conversationId)).at(-1)).toMatchObject({ sender: "agent", content: "Vou chamar um colega." });
    const again = await addMessage(conversationId, inst.id, "contact", "Alô?");
    await onInboundMessage(e, { instanceId: inst.id, conversationId, contactId, messageId: again });
    expect(aiQueue.sent).toHaveLength(0);
    await runJobs(e, [job(conversationId, again, agent.id)]);
    expect(model.doGenerateCalls).toHaveLength(2);
  });
});

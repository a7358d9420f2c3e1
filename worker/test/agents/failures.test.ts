import { env } from "cloudflare:workers";
import { MockLanguageModelV4 } from "ai/test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { setModelForTests } from "../../agents/ai-reply";
import { aiBackoff } from "../../agents/ai-reply.queue";
import { getConversation } from "../../inbox/conversations.queries";
import { queueOutbound } from "../../inbox/outbound";
import { getDb } from "../../platform/db/client";
import * as realtime from "../../platform/realtime/publish";
import { api, jsonOf } from "../helpers";
import { addMessage, convState, createAgent, job, messagesOf, runJobs, scriptedModel, seedConversation, testEnv, textResult } from "./fixtures";

afterEach(() => {
  setModelForTests(null);
  vi.restoreAllMocks();
});

describe("ownership lock and failures", () => {
  it("a human message sent during generation pauses the agent and drops its reply", async () => {
    const { inst, conversationId } = await seedConversation({ tags: ["vip"] });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    const last = await addMessage(conversationId, inst.id, "contact", "Qual o prazo?");
    const { env: e, sendQueue } = testEnv();
    const model = scriptedModel([textResult("O prazo é 3 dias.")], async () => {
      // The human answers from the dashboard while the model is thinking.
      const conv = await getConversation(getDb(env.DB), conversationId);
      if (conv) await queueOutbound(e, conv, { type: "text", content: "Eu respondo: 2 dias." });
    });
    setModelForTests(() => model);
    const res = await runJobs(e, [job(conversationId, last, agent.id)]);
    expect(res.explicitAcks).toHaveLength(1);
    expect(model.doGenerateCalls).toHaveLength(1);
    const msgs = await messagesOf(conversationId);
    expect(msgs.filter((m) => m.sender === "agent")).toHaveLength(0);
    expect(msgs.at(-1)).toMatchObject({ sender: "user", content: "Eu respondo: 2 dias." });
    expect((await convState(conversationId))?.agent_paused).toBe(1);
    expect(sendQueue.sent).toHaveLength(1); // only the human's message
  });

  it("a fromMe message from the phone during generation also drops the reply", async () => {
    const { inst, conversationId } = await seedConversation({ tags: ["vip"] });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    const last = await addMessage(conversationId, inst.id, "contact", "Oi");
    const model = scriptedModel([textResult("Olá!")], async () => {
      await addMessage(conversationId, inst.id, "phone", "respondi pelo celular", Date.now());
    });
    setModelForTests(() => model);
    await runJobs(testEnv().env, [job(conversationId, last, agent.id)]);
    expect((await messagesOf(conversationId)).filter((m) => m.sender === "agent")).toHaveLength(0);
  });

  it("a model error: retried with backoff (one model call per attempt), then an error on the conversation, no reply", async () => {
    const { inst, conversationId } = await seedConversation({ tags: ["vip"] });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    const last = await addMessage(conversationId, inst.id, "contact", "Oi");
    const model = new MockLanguageModelV4({
      doGenerate: async () => {
        throw new Error("upstream model overloaded");
      },
    });
    setModelForTests(() => model);
    const published = vi.spyOn(realtime, "publish");
    const { env: e, sendQueue } = testEnv();
    const j = job(conversationId, last, agent.id);

    const first = await runJobs(e, [j], 1);
    expect(first.retryMessages).toHaveLength(1);
    expect([aiBackoff(1), aiBackoff(2)]).toEqual([10, 20]);
    expect(model.doGenerateCalls).toHaveLength(1); // the SDK did not retry on its own
    expect((await convState(conversationId))?.agent_paused).toBe(0);

    const second = await runJobs(e, [j], 2);
    expect(second.retryMessages).toHaveLength(1);
    const third = await runJobs(e, [j], 3);
    expect(third.retryMessages).toHaveLength(0);
    expect(third.explicitAcks).toHaveLength(1);
    expect(model.doGenerateCalls).toHaveLength(3);

    expect((await messagesOf(conversationId)).filter((m) => m.sender === "agent")).toHaveLength(0);
    expect(sendQueue.sent).toHaveLength(0);
    expect((await convState(conversationId))?.agent_paused).toBe(1);
    expect(published).toHaveBeenCalledWith(
      expect.anything(),
      "conversations",
      conversationId,
      expect.objectContaining({ agent_status: "error", error: expect.stringContaining("upstream model overloaded") }),
    );
  });

  it("no model reachable (Workers AI without an account): 'AI unavailable' at once, left to a human, never a canned reply", async () => {
    const { inst, conversationId } = await seedConversation({ tags: ["vip"] });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    const last = await addMessage(conversationId, inst.id, "contact", "Oi");
    const published = vi.spyOn(realtime, "publish");
    // No injected model and no AI_BASE_URL; the AI binding refuses as it does locally without an account.
    const refusing = { run: async () => Promise.reject(new Error("Binding AI needs to be run remotely")) };
    const res = await runJobs(testEnv({ AI_BASE_URL: "", AI: refusing }).env, [job(conversationId, last, agent.id)], 1);
    expect(res.retryMessages).toHaveLength(0);
    expect(res.explicitAcks).toHaveLength(1);
    expect((await messagesOf(conversationId)).filter((m) => m.sender === "agent")).toHaveLength(0);
    expect((await convState(conversationId))?.agent_paused).toBe(1);
    expect(published).toHaveBeenCalledWith(
      expect.anything(),
      "conversations",
      conversationId,
      expect.objectContaining({ agent_status: "error", error: expect.stringMatching(/^AI unavailable/) }),
    );
    // The reason stays on the conversation for the inbox until a person resumes the agent.
    const view = await jsonOf<{ agent_error: string | null; agent_paused: boolean }>(await api(`/api/conversations/${conversationId}`));
    expect(view.agent_error).toMatch(/^AI unavailable/);
    const resumed = await jsonOf<{ agent_error: string | null; agent_paused: boolean }>(
      await api(`/api/conversations/${conversationId}/agent`, { method: "POST", json: { paused: false } }),
    );
    expect(resumed).toMatchObject({ agent_error: null, agent_paused: false });
  });

  it("without any AI binding: unavailable, no model call attempted", async () => {
    const { inst, conversationId } = await seedConversation({ tags: ["vip"] });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    const last = await addMessage(conversationId, inst.id, "contact", "Oi");
    const res = await runJobs(testEnv({ AI: undefined, AI_BASE_URL: "" }).env, [job(conversationId, last, agent.id)]);
    expect(res.explicitAcks).toHaveLength(1);
    expect((await convState(conversationId))?.agent_paused).toBe(1);
  });

  it("an agent's or a human's message never triggers a reply; a bad job body is acked, not retried", async () => {
    const { inst, conversationId } = await seedConversation({ tags: ["vip"] });
    const agent = await createAgent(inst.id, { assigned_tags: ["vip"] });
    await addMessage(conversationId, inst.id, "contact", "Oi");
    const mine = await addMessage(conversationId, inst.id, "agent", "Olá!");
    const model = scriptedModel([textResult("should not be sent")]);
    setModelForTests(() => model);
    const { env: e } = testEnv();
    await runJobs(e, [job(conversationId, mine, agent.id)]);
    expect(model.doGenerateCalls).toHaveLength(0);
    const bad = await runJobs(e, [{ nonsense: true } as never]);
    expect(bad.explicitAcks).toHaveLength(1);
  });
});

import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { runMenus } from "../../menus/runtime";
import { api, eventually, jsonOf, seedInstance, uid } from "../helpers";
import { phone, send, upsert } from "../inbox/fixtures";
import { installSimulator } from "../simulator-harness";
import { SUPPORT_MENU } from "./fixtures";

const { restore } = installSimulator();
afterAll(restore);

type Msg = { content: string | null; sender: string; from_me: number };

async function setup() {
  const inst = await seedInstance({ status: "open" });
  const keyword = `menu${uid().slice(0, 6)}`;
  const wf = await jsonOf<{ id: string; name: string }>(
    await api("/api/workflows", { method: "POST", json: { name: `flow-${uid()}`, trigger_keywords: [keyword], menu_structure: SUPPORT_MENU } }),
  );
  return { inst, keyword, wf };
}

/** Inbound text from `from` through the real webhook path. */
const say = (inst: Awaited<ReturnType<typeof seedInstance>>, from: string, text: string) =>
  send(inst, "messages.upsert", upsert({ from, message: { conversation: text }, ts: Math.floor(Date.now() / 1000) }));

async function outbound(instanceId: string, from: string): Promise<Msg[]> {
  const { results } = await env.DB.prepare(
    `SELECT m.content, m.sender, m.from_me FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts ct ON ct.id = c.contact_id
     WHERE m.instance_id = ? AND ct.whatsapp_number = ? AND m.sender = 'workflow' ORDER BY m.created_at, m.rowid`,
  )
    .bind(instanceId, `+${from}`)
    .all<Msg>();
  return results;
}

const state = (instanceId: string, from: string) =>
  env.DB.prepare("SELECT s.* FROM conversation_state s JOIN contacts c ON c.id = s.contact_id WHERE s.instance_id = ? AND c.whatsapp_number = ?")
    .bind(instanceId, `+${from}`)
    .first<{ conversation_flow: string; current_step: string; context: string; expires_at: number }>();

describe("menus on inbound messages", () => {
  it("a trigger sends the first menu; number, id and title answers advance; invalid re-prompts", async () => {
    const { inst, keyword, wf } = await setup();
    const from = phone();
    await say(inst, from, `Oi! ${keyword.toUpperCase()} por favor`);
    const first = await eventually(async () => (await outbound(inst.id, from))[0]);
    expect(first.content).toBe("Hi! How can we help?\n\n1. Talk to sales\n2. Opening hours\n\nReply with the number of your choice.");
    expect((await state(inst.id, from))?.conversation_flow).toBe(wf.name);
    // The inbox shows the running menu on the conversation.
    const convId = (await env.DB.prepare("SELECT c.id FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.whatsapp_number = ?")
      .bind(`+${from}`)
      .first<{ id: string }>())!.id;
    const view = await jsonOf<{ flow: { name: string; step: string } | null }>(await api(`/api/conversations/${convId}`));
    expect(view.flow).toMatchObject({ name: wf.name, step: "main" });

    await say(inst, from, "banana");
    const hint = await eventually(async () => (await outbound(inst.id, from))[1]);
    expect(hint.content).toMatch(/^Sorry, I didn't get that\. Reply with a number from 1 to 2\.\n\nHi! How can we help\?/);

    await say(inst, from, "1");
    await eventually(async () => (await state(inst.id, from))?.current_step === "ask_name");
    // Restart with the keyword, then answer by id and by title.
    await say(inst, from, keyword);
    await eventually(async () => (await state(inst.id, from))?.current_step === "main");
    await say(inst, from, "sales");
    await eventually(async () => (await state(inst.id, from))?.current_step === "ask_name");
    await say(inst, from, keyword);
    await eventually(async () => (await state(inst.id, from))?.current_step === "main");
    await say(inst, from, "talk to SALES");
    await eventually(async () => (await state(inst.id, from))?.current_step === "ask_name");
  });

  it("stores the free-text answer, tags the contact, hands to a human at the end", async () => {
    const { inst, keyword } = await setup();
    const from = phone();
    await say(inst, from, keyword);
    await eventually(async () => (await state(inst.id, from))?.current_step === "main");
    await say(inst, from, "1");
    await eventually(async () => (await state(inst.id, from))?.current_step === "ask_name");
    await say(inst, from, "Ana Souza");
    const last = await eventually(async () => (await outbound(inst.id, from)).find((m) => m.content?.startsWith("Thanks")));
    expect(last.content).toBe("Thanks Ana Souza, a person will reply soon.");
    expect(await state(inst.id, from)).toBeNull();
    // The end step's actions follow its closing words.
    const conv = await eventually(async () => {
      const r = await env.DB.prepare(
        "SELECT c.agent_paused, ct.tags, ct.llm_context FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.whatsapp_number = ? AND c.instance_id = ?",
      )
        .bind(`+${from}`, inst.id)
        .first<{ agent_paused: number; tags: string; llm_context: string }>();
      return r?.agent_paused === 1 ? r : null;
    });
    expect(JSON.parse(conv.tags)).toContain("lead");
    expect(JSON.parse(conv.llm_context)).toMatchObject({ source: "menu" });
  });

  it("expiry resets the flow (controllable clock); two contacts run the same flow independently", async () => {
    const { inst, keyword } = await setup();
    const a = phone();
    const b = phone();
    await say(inst, a, keyword);
    await say(inst, b, keyword);
    await eventually(async () => (await state(inst.id, a)) && (await state(inst.id, b)));
    await say(inst, a, "1");
    await eventually(async () => (await state(inst.id, a))?.current_step === "ask_name");
    expect((await state(inst.id, b))?.current_step).toBe("main");

    // Thirty-one minutes later (ttl 30): b's answer finds the flow expired and it resets.
    const conv = await env.DB.prepare(
      "SELECT c.* FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.whatsapp_number = ? AND c.instance_id = ?",
    )
      .bind(`+${b}`, inst.id)
      .first<Record<string, unknown>>();
    const s = await state(inst.id, b);
    const later = s!.expires_at + 60_000;
    const outcome = await runMenus(env, { instanceId: inst.id, contactId: conv!.contact_id as string, conversationId: conv!.id as string, text: "2" }, later);
    expect(outcome).toBe("none");
    expect(await state(inst.id, b)).toBeNull();
    expect((await state(inst.id, a))?.current_step).toBe("ask_name");
  });
});

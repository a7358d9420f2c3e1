// The outbox's promise, against an Evolution that misbehaves the way a real one does (the
// simulator's server faults): a send accepted and then answered 502, dropped, or left hanging is
// reconciled with Evolution before any retry, so every message reaches the phone exactly once —
// for an inbox reply, an agent reply and a menu answer (all through the one outbox).
import { env } from "cloudflare:workers";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { getConversation } from "../../inbox/conversations.queries";
import { queueOutbound } from "../../inbox/outbound";
import { getDb } from "../../platform/db/client";
import type { MessageView } from "../../shared/inbox";
import { openInstance, settle } from "../campaigns/fixtures";
import { setEvolutionTimeout } from "../faults/fault-harness";
import { api, eventually, jsonOf, uid } from "../helpers";
import { SUPPORT_MENU } from "../menus/fixtures";
import { installSimulator } from "../simulator-harness";

const { sim, restore } = installSimulator();
afterEach(() => {
  sim.setFault({ mode: "none" });
  setEvolutionTimeout(undefined);
});
afterAll(async () => {
  await settle(sim);
  restore();
});

const newDigits = () => `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;

async function conversation(instanceId: string, digits = newDigits()) {
  const contact = await jsonOf<{ id: string }>(await api("/api/contacts", { method: "POST", json: { whatsapp_number: `+${digits}`, name: "Eva Once" } }));
  const conv = await jsonOf<{ id: string }>(await api("/api/conversations", { method: "POST", json: { contact_id: contact.id, instance_id: instanceId } }));
  return { conv, digits };
}

const messageOf = async (convId: string, id: string) =>
  (await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${convId}/messages`))).items.find((m) => m.id === id);

const sentTo = (name: string, digits: string, text: string) => sim.accepted(name).filter((s) => s.number === digits && s.text === text);

async function settledMessage(convId: string, id: string, timeoutMs = 20_000) {
  return eventually(async () => {
    const m = await messageOf(convId, id);
    return m && m.status !== "pending" ? m : null;
  }, timeoutMs);
}

describe("an inbox reply, Evolution accepting it and losing the answer", () => {
  for (const mode of ["accept-502", "accept-drop"] as const) {
    it(`${mode} twice in a row: reaches the phone once, ends sent with the key.id Evolution gave it`, { timeout: 30_000 }, async () => {
      const inst = await openInstance(sim);
      const { conv, digits } = await conversation(inst.id);
      sim.setFault({ mode, scope: "send", count: 2 });
      const text = `Uma vez só ${uid()}`;
      const posted = await jsonOf<MessageView>(await api(`/api/conversations/${conv.id}/messages`, { method: "POST", json: { type: "text", content: text } }));
      const done = await settledMessage(conv.id, posted.id);
      await settle(sim, 500);
      const phone = sentTo(inst.name, digits, text);
      expect(phone).toHaveLength(1);
      expect(done.status).not.toBe("failed");
      const row = await env.DB.prepare("SELECT external_id, outbox_id FROM messages WHERE id = ?")
        .bind(posted.id)
        .first<{ external_id: string; outbox_id: string }>();
      expect(row?.external_id).toBe(phone[0]!.keyId);
      const box = await env.DB.prepare("SELECT state, external_id, attempts FROM outbox WHERE id = ?")
        .bind(row?.outbox_id)
        .first<{ state: string; external_id: string; attempts: number }>();
      expect(["accepted", "delivered", "read"]).toContain(box?.state);
      expect(box?.external_id).toBe(phone[0]!.keyId);
    });
  }

  it("accept-hang past the client's timeout: reconciled, never sent twice", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const { conv, digits } = await conversation(inst.id);
    setEvolutionTimeout(300);
    sim.setFault({ mode: "accept-hang", scope: "send", count: 1 });
    const text = `Demorou ${uid()}`;
    const posted = await jsonOf<MessageView>(await api(`/api/conversations/${conv.id}/messages`, { method: "POST", json: { type: "text", content: text } }));
    const done = await settledMessage(conv.id, posted.id);
    expect(done.status).not.toBe("failed");
    expect(sentTo(inst.name, digits, text)).toHaveLength(1);
  });

  it("the same text twice: the second send is not taken for the first one's echo", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const { conv, digits } = await conversation(inst.id);
    const text = `ok ${uid()}`;
    const first = await jsonOf<MessageView>(await api(`/api/conversations/${conv.id}/messages`, { method: "POST", json: { type: "text", content: text } }));
    await settledMessage(conv.id, first.id);
    sim.setFault({ mode: "accept-502", scope: "send", count: 1 });
    const second = await jsonOf<MessageView>(await api(`/api/conversations/${conv.id}/messages`, { method: "POST", json: { type: "text", content: text } }));
    await settledMessage(conv.id, second.id);
    const phone = sentTo(inst.name, digits, text);
    expect(phone).toHaveLength(2);
    const ids = await env.DB.prepare("SELECT external_id FROM messages WHERE id IN (?, ?)").bind(first.id, second.id).all<{ external_id: string }>();
    expect(new Set(ids.results.map((r) => r.external_id))).toEqual(new Set(phone.map((p) => p.keyId)));
  });
});

describe("an agent reply and a menu answer go through the same outbox", () => {
  it("an agent's reply under accept-502 reaches the phone once, sender agent", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const { conv, digits } = await conversation(inst.id);
    sim.setFault({ mode: "accept-502", scope: "send", count: 1 });
    const row = await getConversation(getDb(env.DB), conv.id);
    const text = `Olá, sou o assistente ${uid()}`;
    const msg = await queueOutbound(env, { ...row!, status: "active" } as never, { type: "text", content: text }, "agent");
    const done = await settledMessage(conv.id, msg.id);
    expect(done).toMatchObject({ sender: "agent" });
    expect(done.status).not.toBe("failed");
    expect(sentTo(inst.name, digits, text)).toHaveLength(1);
  });

  it("a menu's first prompt under accept-drop reaches the phone once", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const keyword = `menu${uid().slice(0, 6)}`;
    expect(
      (await api("/api/workflows", { method: "POST", json: { name: `flow-${uid()}`, trigger_keywords: [keyword], menu_structure: SUPPORT_MENU } })).status,
    ).toBe(201);
    const digits = newDigits();
    sim.setFault({ mode: "accept-drop", scope: "send", count: 1 });
    await sim.inject(inst.name, { from: digits, pushName: "Rui", text: keyword });
    await eventually(async () => {
      const r = await env.DB.prepare(
        "SELECT m.status FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts ct ON ct.id = c.contact_id WHERE ct.whatsapp_number = ? AND m.sender = 'workflow'",
      )
        .bind(`+${digits}`)
        .first<{ status: string }>();
      return r && r.status !== "pending";
    }, 20_000);
    await settle(sim, 500);
    expect(sim.accepted(inst.name).filter((s) => s.number === digits)).toHaveLength(1);
  });
});

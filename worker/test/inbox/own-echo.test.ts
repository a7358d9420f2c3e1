import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seedInstance } from "../helpers";
import { type Inst, keyId, messageByExternal, phone, send, settled, upsert } from "./fixtures";

const newMsgId = () => `msg_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;

/** What queueOutbound() stores before Evolution answers the send. */
async function pendingOf(inst: Inst, conversationId: string, sender: string, content: string) {
  const id = newMsgId();
  await env.DB.prepare(
    "INSERT INTO messages (id, conversation_id, instance_id, type, from_me, content, status, sender) VALUES (?, ?, ?, 'text', 1, ?, 'pending', ?)",
  )
    .bind(id, conversationId, inst.id, content, sender)
    .run();
  return id;
}

const fromMeRows = (conversationId: string) =>
  env.DB.prepare("SELECT id, sender, external_id, status FROM messages WHERE conversation_id = ? AND from_me = 1 ORDER BY created_at")
    .bind(conversationId)
    .all()
    .then((r) => r.results);

async function conversationWith(inst: Inst, from: string) {
  const first = keyId();
  await send(inst, "messages.upsert", upsert({ id: first, from, message: { conversation: "menu" } }));
  return (await messageByExternal(inst.id, first)).conversation_id;
}

describe("send.message echoes of our own sends", () => {
  it("an echo of a menu (workflow) answer claims the pending message instead of storing a second one", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const conv = await conversationWith(inst, from);
    const pending = await pendingOf(inst, conv, "workflow", "1) Vendas\n2) Suporte");
    const echoId = keyId();
    await send(inst, "send.message", {
      ...upsert({ id: echoId, from, fromMe: true, pushName: "Você", message: { conversation: "1) Vendas\n2) Suporte" } }),
      status: "PENDING",
    });
    await settled(inst.id, `send.message:${echoId}`);
    await env.WA_INSTANCE.getByName(inst.id).outboundSent(pending, echoId);
    const agent = await env.DB.prepare("SELECT agent_paused FROM conversations WHERE id = ?").bind(conv).first<{ agent_paused: number }>();
    expect({ fromMe: await fromMeRows(conv), agentPaused: agent?.agent_paused }).toEqual({
      fromMe: [{ id: pending, sender: "workflow", external_id: echoId, status: "sent" }],
      agentPaused: 0,
    });
  });

  it("an echo of our pending image claims it by caption and mimetype", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const conv = await conversationWith(inst, from);
    const ours = newMsgId();
    await env.DB.prepare(
      "INSERT INTO messages (id, conversation_id, instance_id, type, from_me, caption, mime_type, status, sender) VALUES (?, ?, ?, 'image', 1, 'nossa promoção', 'image/jpeg', 'pending', 'agent')",
    )
      .bind(ours, conv, inst.id)
      .run();
    const echoId = keyId();
    const image = { imageMessage: { url: "https://mmg.whatsapp.net/x.enc", mimetype: "image/jpeg", caption: "nossa promoção" } };
    await send(inst, "send.message", {
      ...upsert({ id: echoId, from, fromMe: true, pushName: "Você", message: image, messageType: "imageMessage" }),
      status: "PENDING",
    });
    await settled(inst.id, `send.message:${echoId}`);
    expect(await fromMeRows(conv)).toEqual([{ id: ours, sender: "agent", external_id: echoId, status: "sent" }]);
  });

  it("an echo stored as a message of its own gives way to ours when the send reports its key (no keyless copy)", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const conv = await conversationWith(inst, from);
    const echoId = keyId();
    await send(inst, "send.message", {
      ...upsert({ id: echoId, from, fromMe: true, pushName: "Você", message: { conversation: "Seu pedido saiu" } }),
      status: "PENDING",
    });
    await messageByExternal(inst.id, echoId);
    await send(inst, "messages.update", {
      keyId: echoId,
      remoteJid: `${from}@s.whatsapp.net`,
      fromMe: true,
      participant: null,
      status: "DELIVERY_ACK",
      instanceId: "uuid",
      messageId: `cuid${echoId}`,
    });
    await settled(inst.id, `messages.update:${echoId}`);
    const ours = await pendingOf(inst, conv, "agent", "Seu pedido saiu");
    await env.WA_INSTANCE.getByName(inst.id).outboundSent(ours, echoId);
    expect(await fromMeRows(conv)).toEqual([{ id: ours, sender: "agent", external_id: echoId, status: "delivered" }]);
  });
});

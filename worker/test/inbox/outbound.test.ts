import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { messageSendFor } from "../../outbox/legacy";
import { sendOutbox } from "../../outbox/send.queue";
import { newId } from "../../platform/lib/ids";
import type { ConversationView, MessageView } from "../../shared/inbox";
import type { InstanceView } from "../../shared/instances";
import { api, deliver, envelope, eventually, jsonOf, uid } from "../helpers";
import { installSimulator } from "../simulator-harness";

// Acks without delay: the simulator's ack timers run inside the queue consumer's invocation
// (its fetch is the simulator) and workerd cancels them when that invocation ends. Immediate
// acks also exercise the race the inbox must survive: the send.message echo and SERVER_ACK
// arriving before the send response has stored the key.id.
const { sim, restore } = installSimulator({ ackDelaysMs: [0, 0, 0] });
afterAll(restore);

async function openInstance() {
  const name = `inbox-${uid()}`;
  const inst = await jsonOf<InstanceView>(await api("/api/instances", { method: "POST", json: { name, number: "+5511988887777" } }));
  sim.scan(name);
  await eventually(async () => (await jsonOf<InstanceView>(await api(`/api/instances/${inst.id}`))).status === "open");
  return inst;
}

async function conversationWith(inst: InstanceView, number = `+55119${String(Math.floor(1e7 + Math.random() * 9e7))}`) {
  const contact = await jsonOf<{ id: string }>(await api("/api/contacts", { method: "POST", json: { whatsapp_number: number, name: "Bia" } }));
  const res = await api("/api/conversations", { method: "POST", json: { contact_id: contact.id, instance_id: inst.id } });
  expect(res.status).toBe(201);
  const again = await api("/api/conversations", { method: "POST", json: { contact_id: contact.id, instance_id: inst.id } });
  expect(again.status).toBe(200);
  const conv = await jsonOf<ConversationView>(res);
  expect((await jsonOf<ConversationView>(again)).id).toBe(conv.id);
  return { conv, digits: number.replace(/\D/g, "") };
}

const message = async (convId: string, id: string) =>
  (await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${convId}/messages`))).items.find((m) => m.id === id);
const post = (convId: string, json: unknown) => api(`/api/conversations/${convId}/messages`, { method: "POST", json });

describe("outbound messages through the Evolution simulator", () => {
  it("text: 202 pending at once, then exactly the v2 sendText body, key.id stored, receipts move it to read", { timeout: 20_000 }, async () => {
    const inst = await openInstance();
    const { conv, digits } = await conversationWith(inst);
    const res = await post(conv.id, { type: "text", content: "Seu pedido saiu!" });
    expect(res.status).toBe(202);
    const sent = await jsonOf<MessageView>(res);
    expect(sent).toMatchObject({ status: "pending", from_me: true, sender: "user", content: "Seu pedido saiu!" });
    const acked = await eventually(async () => {
      const cur = await message(conv.id, sent.id);
      return cur && ["sent", "delivered", "read"].includes(cur.status) ? cur : null;
    }, 8000);
    // The simulator's later acks are timers inside the queue consumer's invocation, which workerd
    // cancels when it ends; READ is delivered here the way Evolution sends it (EVOLUTION.md §4.5).
    const number = digits;
    const secret = (await env.DB.prepare("SELECT webhook_secret FROM instances WHERE id = ?").bind(inst.id).first<{ webhook_secret: string }>())!
      .webhook_secret;
    await deliver(
      { id: inst.id, secret },
      envelope(inst.name, "messages.update", {
        keyId: acked.external_id,
        remoteJid: `${number}@s.whatsapp.net`,
        fromMe: true,
        status: "READ",
        instanceId: "x",
      }),
    );
    const final = await eventually(async () => ((await message(conv.id, sent.id))?.status === "read" ? message(conv.id, sent.id) : null), 8000);
    const sends = sim.sends(inst.name);
    expect(sends).toHaveLength(1);
    expect(sends[0]?.route).toBe("sendText");
    expect(sends[0]?.body).toEqual({ number: digits, text: "Seu pedido saiu!" });
    expect(final?.external_id).toBe(sends[0]?.keyId);
    // The send.message echo never became a second message.
    await eventually(() =>
      env.DB.prepare("SELECT status FROM webhook_events WHERE instance_id = ? AND event = 'send.message' AND status <> 'received'").bind(inst.id).first(),
    );
    const all = await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${conv.id}/messages`));
    expect(all.items).toHaveLength(1);
    const list = await jsonOf<{ items: ConversationView[] }>(await api(`/api/conversations?instance_id=${inst.id}`));
    expect(list.items[0]).toMatchObject({ id: conv.id, last_message_content: "Seu pedido saiu!", unread_count: 0 });
  });

  it("media: image and document through sendMedia (raw base64, flat v2 body), audio through sendWhatsAppAudio", { timeout: 20_000 }, async () => {
    const inst = await openInstance();
    const { conv, digits } = await conversationWith(inst);
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const img = await jsonOf<MessageView>(await post(conv.id, { type: "image", media_base64: `data:image/png;base64,${png}`, caption: "olha" }));
    const doc = await jsonOf<MessageView>(
      await post(conv.id, { type: "document", media_base64: btoa("%PDF-1.4 test"), mime_type: "application/pdf", file_name: "orcamento.pdf" }),
    );
    const audio = await jsonOf<MessageView>(await post(conv.id, { type: "audio", media_base64: btoa("OggS fake opus"), mime_type: "audio/ogg" }));
    for (const m of [img, doc, audio]) await eventually(async () => ["sent", "delivered", "read"].includes((await message(conv.id, m.id))?.status ?? ""), 8000);
    const sends = sim.sends(inst.name);
    const byRoute = (r: string) => sends.filter((s) => s.route === r).map((s) => s.body);
    expect(byRoute("sendMedia")).toContainEqual({ number: digits, mediatype: "image", media: png, mimetype: "image/png", caption: "olha" });
    expect(byRoute("sendMedia")).toContainEqual({
      number: digits,
      mediatype: "document",
      media: btoa("%PDF-1.4 test"),
      mimetype: "application/pdf",
      fileName: "orcamento.pdf",
    });
    expect(byRoute("sendWhatsAppAudio")).toEqual([{ number: digits, audio: btoa("OggS fake opus") }]);
    const shown = await message(conv.id, img.id);
    expect(shown?.content).toBe(`data:image/png;base64,${png}`);
  });

  it("Evolution failing twice then succeeding: one send, status sent", { timeout: 20_000 }, async () => {
    const inst = await openInstance();
    const { conv } = await conversationWith(inst);
    sim.failNextSends(inst.name, 2, 500);
    const m = await jsonOf<MessageView>(await post(conv.id, { type: "text", content: "tentativa" }));
    const done = await eventually(async () => {
      const cur = await message(conv.id, m.id);
      return cur && cur.status !== "pending" ? cur : null;
    }, 15_000);
    expect(["sent", "delivered", "read"]).toContain(done.status);
    const sends = sim.sends(inst.name);
    expect(sends.map((s) => s.status)).toEqual([500, 500, 201]);
  });

  it("a final error: failed with the reason, nothing thrown to the user; retry re-queues it once the cause is fixed", { timeout: 25_000 }, async () => {
    const inst = await openInstance();
    const { conv, digits } = await conversationWith(inst);
    sim.markUnregistered([digits]);
    const res = await post(conv.id, { type: "text", content: "vai falhar" });
    expect(res.status).toBe(202);
    const m = await jsonOf<MessageView>(res);
    const failed = await eventually(async () => {
      const cur = await message(conv.id, m.id);
      return cur?.status === "failed" ? cur : null;
    }, 15_000);
    expect(failed.error).toMatch(/400.*not on WhatsApp/);
    expect(sim.sends(inst.name)).toHaveLength(1);
    sim.engine.unregistered.delete(digits);
    const retry = await api(`/api/conversations/${conv.id}/messages/${m.id}/retry`, { method: "POST" });
    expect(retry.status).toBe(202);
    await eventually(async () => ["sent", "delivered", "read"].includes((await message(conv.id, m.id))?.status ?? ""), 8000);
    expect((await api(`/api/conversations/${conv.id}/messages/${m.id}/retry`, { method: "POST" })).status).toBe(409);
  });

  it("written from an archived conversation: sent from the contact's active one, where their reply lands too", { timeout: 20_000 }, async () => {
    const inst = await openInstance();
    const { conv, digits } = await conversationWith(inst);
    expect((await api(`/api/conversations/${conv.id}/archive`, { method: "POST" })).status).toBe(200);
    const res = await post(conv.id, { type: "text", content: "Voltamos a falar?" });
    expect(res.status).toBe(202);
    const sent = await jsonOf<MessageView>(res);
    expect(sent.conversation_id).not.toBe(conv.id);
    const holder = await jsonOf<ConversationView>(await api(`/api/conversations/${sent.conversation_id}`));
    expect(holder).toMatchObject({ status: "active", last_message_content: "Voltamos a falar?" });
    const list = await jsonOf<{ items: ConversationView[] }>(await api(`/api/conversations?instance_id=${inst.id}`));
    expect(list.items.map((c) => c.id)).toEqual([sent.conversation_id]);
    expect((await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${conv.id}/messages`))).items).toEqual([]);
    await eventually(async () => sim.sends(inst.name).length === 1);

    const [reply] = await sim.inject(inst.name, { from: digits, pushName: "Bia", text: "Sim!" });
    const row = await eventually(() =>
      env.DB.prepare("SELECT conversation_id FROM messages WHERE external_id = ?").bind(reply!.key.id).first<{ conversation_id: string }>(),
    );
    expect(row.conversation_id).toBe(sent.conversation_id);
    // A second message from the archive goes to the same active conversation.
    expect((await jsonOf<MessageView>(await post(conv.id, { type: "text", content: "Ótimo" }))).conversation_id).toBe(sent.conversation_id);
  });

  it("Evolution took it but the instance object cannot be reached: the key goes to D1 and it is never sent twice", { timeout: 20_000 }, async () => {
    const inst = await openInstance();
    const { conv } = await conversationWith(inst);
    const id = newId("message");
    await env.DB.prepare(
      "INSERT INTO messages (id, conversation_id, instance_id, type, from_me, content, status, sender, timestamp) VALUES (?, ?, ?, 'text', 1, 'Só uma vez', 'pending', 'user', ?)",
    )
      .bind(id, conv.id, inst.id, Date.now())
      .run();
    const unreachable = { getByName: () => ({ outboundSent: () => Promise.reject(new Error("Durable Object reset")) }) };
    const broken = new Proxy(env, { get: (target, key) => (key === "WA_INSTANCE" ? unreachable : Reflect.get(target, key)) });
    // A message queued before the outbox existed gets its outbox row on first use.
    const outboxId = await messageSendFor(env, id);
    expect(outboxId).toMatch(/^obx_/);
    await sendOutbox(broken, [outboxId!]);
    await sendOutbox(broken, [outboxId!]); // a redelivery of the queue message
    const sends = sim.sends(inst.name);
    expect(sends).toHaveLength(1);
    const row = await env.DB.prepare("SELECT status, external_id FROM messages WHERE id = ?").bind(id).first();
    expect(row).toEqual({ status: "sent", external_id: sends[0]!.keyId });
  });

  it("validates the body: 400 naming the field", async () => {
    const inst = await openInstance();
    const { conv } = await conversationWith(inst);
    const bad = await post(conv.id, { type: "image" });
    expect(bad.status).toBe(400);
    expect((await jsonOf<{ error: { details: { path: string }[] } }>(bad)).error.details[0]?.path).toBe("media_base64");
    expect((await post(conv.id, { type: "text", content: "  " })).status).toBe(400);
    expect((await post(conv.id, { type: "video", media_base64: "!!!notbase64" })).status).toBe(400);
  });
});

describe("inbound media through the simulator", () => {
  it("an injected image is fetched into R2 and served as a data URL; the conversation shows [image]", async () => {
    const inst = await openInstance();
    const from = `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;
    const [raw] = await sim.inject(inst.name, { from, pushName: "Caio", media: { type: "image", caption: "produto" } });
    const row = await eventually(
      () =>
        env.DB.prepare("SELECT * FROM messages WHERE external_id = ?")
          .bind(raw!.key.id)
          .first<{ id: string; conversation_id: string; media_key: string | null }>()
          .then((r) => (r?.media_key ? r : null)),
      8000,
    );
    const m = await message(row.conversation_id, row.id);
    expect(m?.type).toBe("image");
    expect(m?.caption).toBe("produto");
    expect(m?.content).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(m?.media_pending).toBe(false);
    const conv = await jsonOf<ConversationView>(await api(`/api/conversations/${row.conversation_id}`));
    expect(conv).toMatchObject({ last_message_content: "[image] produto", contact_name: "Caio", unread_count: 1 });
    const read = await jsonOf<ConversationView>(await api(`/api/conversations/${row.conversation_id}/read`, { method: "POST" }));
    expect(read.unread_count).toBe(0);
    const paused = await jsonOf<ConversationView>(await api(`/api/conversations/${row.conversation_id}/agent`, { method: "POST", json: { paused: true } }));
    expect(paused.agent_paused).toBe(true);
  });
});

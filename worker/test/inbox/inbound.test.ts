import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import type { ConversationView, MessageView } from "../../shared/inbox";
import { api, eventually, jsonOf, seedInstance } from "../helpers";
import { installSimulator } from "../simulator-harness";
import { contactByNumber, conversationRow, eventRow, KINDS, keyId, messageByExternal, messagesByExternal, phone, send, settled, upsert } from "./fixtures";

// Media messages queue a download; the simulator (which knows none of these seeded instances)
// answers it instead of the network.
const { restore } = installSimulator();
afterAll(restore);

describe("inbound messages.upsert", () => {
  it("creates the contact (E.164, pushName), the active conversation and the message", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    expect((await send(inst, "messages.upsert", upsert({ from, id, pushName: "Ana Souza", ts: 1763900123 }))).status).toBe(200);
    const m = await messageByExternal(inst.id, id);
    expect(m).toMatchObject({ type: "text", from_me: 0, content: "Olá, tudo bem?", sender: "contact", status: "delivered", timestamp: 1763900123000 });
    const contact = await contactByNumber(`+${from}`);
    expect(contact).toMatchObject({ name: "Ana Souza", country: "BR" });
    const conv = await conversationRow(m.conversation_id);
    expect(conv).toMatchObject({
      status: "active",
      unread_count: 1,
      last_message_content: "Olá, tudo bem?",
      last_message_at: 1763900123000,
      contact_id: contact?.id,
      instance_id: inst.id,
    });
    expect((await settled(inst.id, `messages.upsert:${id}`)).status).toBe("processed");
    const list = await jsonOf<{ items: ConversationView[] }>(await api(`/api/conversations?instance_id=${inst.id}`));
    expect(list.items[0]).toMatchObject({ id: conv?.id, contact_name: "Ana Souza", contact_number: `+${from}`, instance_name: inst.name, unread_count: 1 });
  });

  it("the same delivery 10 times is one message, counted unread once", async () => {
    const inst = await seedInstance({ status: "open" });
    const body = upsert();
    const results = await Promise.all(Array.from({ length: 10 }, () => send(inst, "messages.upsert", body)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await settled(inst.id, `messages.upsert:${body.key.id}`);
    const second = upsert({ from: body.key.remoteJid.split("@")[0], ts: 1763900500 });
    await send(inst, "messages.upsert", second);
    const m2 = await messageByExternal(inst.id, second.key.id);
    expect(await messagesByExternal(inst.id, body.key.id)).toHaveLength(1);
    expect((await conversationRow(m2.conversation_id))?.unread_count).toBe(2);
    expect((await eventRow(inst.id, `messages.upsert:${body.key.id}`))?.deliveries).toBe(10);
  });

  it("a concurrent burst (60 messages from 12 contacts, 6 sent twice) is recorded and stored exactly once each", async () => {
    const inst = await seedInstance({ status: "open" });
    const senders = Array.from({ length: 12 }, () => phone());
    const bodies = Array.from({ length: 60 }, (_, i) => upsert({ from: senders[i % 12], ts: 1763901000 + i, message: { conversation: `burst ${i}` } }));
    const results = await Promise.all([...bodies, ...bodies.slice(0, 6)].map((b) => send(inst, "messages.upsert", b)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const events = await eventually(async () => {
      const { results: rows } = await env.DB.prepare("SELECT status, deliveries FROM webhook_events WHERE instance_id = ?")
        .bind(inst.id)
        .all<{ status: string; deliveries: number }>();
      return rows.length === 60 && rows.every((r) => r.status === "processed") && rows.filter((r) => r.deliveries === 2).length === 6 ? rows : null;
    });
    expect(events.reduce((n, e) => n + e.deliveries, 0)).toBe(66);
    const stored = await env.DB.prepare("SELECT count(*) AS n, count(DISTINCT conversation_id) AS convs FROM messages WHERE instance_id = ?")
      .bind(inst.id)
      .first<{ n: number; convs: number }>();
    expect(stored).toEqual({ n: 60, convs: 12 });
    const unread = await env.DB.prepare("SELECT sum(unread_count) AS n FROM conversations WHERE instance_id = ?").bind(inst.id).first<{ n: number }>();
    expect(unread?.n).toBe(60);
  });

  it.each(KINDS)("stores a $name message as $type", async (kind) => {
    const inst = await seedInstance({ status: "open" });
    const id = keyId();
    await send(inst, "messages.upsert", upsert({ id, message: kind.message, messageType: kind.messageType }));
    const m = await messageByExternal(inst.id, id);
    expect(m.type).toBe(kind.type);
    if (kind.content instanceof RegExp) expect(m.content).toMatch(kind.content);
    else if (kind.content !== undefined) expect(m.content).toBe(kind.content);
    if (kind.caption) expect(m.caption).toBe(kind.caption);
    if (kind.mime) expect(m.mime_type).toBe(kind.mime);
    const conv = await conversationRow(m.conversation_id);
    if (kind.preview instanceof RegExp) expect(conv?.last_message_content).toMatch(kind.preview);
    else expect(conv?.last_message_content).toBe(kind.preview);
    if (kind.name === "document") expect(m.file_name).toBe("nota.pdf");
    expect(JSON.stringify(m)).not.toContain('"jpegThumbnail":{');
  });

  it.each([
    ["a group", { remoteJid: "120363025246125888@g.us" }, /group/],
    ["a status update", { remoteJid: "status@broadcast" }, /status/],
    ["a broadcast list", { remoteJid: "1234567890@broadcast" }, /broadcast/],
    ["a channel", { remoteJid: "120363111111111111@newsletter" }, /newsletter/],
    ["a @lid with no phone JID", { remoteJid: "123456789012345@lid" }, /lid/],
  ])("ignores %s and records why", async (_name, key, reason) => {
    const inst = await seedInstance({ status: "open" });
    const id = keyId();
    await send(inst, "messages.upsert", upsert({ id, ...key }));
    const ev = await settled(inst.id, `messages.upsert:${id}`);
    expect(ev.status).toBe("ignored");
    expect(ev.error).toMatch(reason);
    expect(await messagesByExternal(inst.id, id)).toHaveLength(0);
  });

  it("maps an @lid remoteJid to the phone contact from remoteJidAlt (device suffix stripped)", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    await send(inst, "messages.upsert", upsert({ id, remoteJid: "987654321098765@lid", remoteJidAlt: `${from}:12@s.whatsapp.net`, pushName: "Lia" }));
    const m = await messageByExternal(inst.id, id);
    const contact = await contactByNumber(`+${from}`);
    expect(contact?.name).toBe("Lia");
    expect((await conversationRow(m.conversation_id))?.contact_id).toBe(contact?.id);
    // 2.4-rc swaps them: the phone JID in remoteJid, the LID in remoteJidAlt. Same contact.
    const id2 = keyId();
    await send(inst, "messages.upsert", upsert({ id: id2, remoteJid: `${from}@s.whatsapp.net`, remoteJidAlt: "987654321098765@lid" }));
    expect((await messageByExternal(inst.id, id2)).conversation_id).toBe(m.conversation_id);
  });

  it("a Brazilian mobile whose JID lacks the 9th digit reaches the contact stored with it", async () => {
    const inst = await seedInstance({ status: "open" });
    const local = String(Math.floor(8e7 + Math.random() * 1e7)); // 8 digits, as WhatsApp keeps pre-9 accounts
    const contact = await jsonOf<{ id: string; whatsapp_number: string }>(
      await api("/api/contacts", { method: "POST", json: { whatsapp_number: `+55 31 9${local}`, name: "Rita" } }),
    );
    expect(contact.whatsapp_number).toBe(`+55319${local}`);
    const id = keyId();
    await send(inst, "messages.upsert", upsert({ id, from: `5531${local}`, pushName: "Rita M." }));
    const m = await messageByExternal(inst.id, id);
    expect((await conversationRow(m.conversation_id))?.contact_id).toBe(contact.id);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE whatsapp_number LIKE ?").bind(`%${local}`).first<{ n: number }>()).toEqual({ n: 1 });
    // A number that is valid as it is (a São Paulo landline, 8 digits) is not touched.
    const landline = keyId();
    const fixed = `551132${String(Math.floor(1e5 + Math.random() * 9e5))}`;
    await send(inst, "messages.upsert", upsert({ id: landline, from: fixed }));
    await messageByExternal(inst.id, landline);
    expect(await contactByNumber(`+${fixed}`)).toBeTruthy();
  });

  it("a fromMe upsert (sent from the phone) is from_me with sender phone; 'Você' never names the contact", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    await send(inst, "messages.upsert", upsert({ id, from, fromMe: true, pushName: "Você", message: { conversation: "Já enviei" } }));
    const m = await messageByExternal(inst.id, id);
    expect(m).toMatchObject({ from_me: 1, sender: "phone", status: "sent", content: "Já enviei" });
    expect((await contactByNumber(`+${from}`))?.name).toBeNull();
    expect((await conversationRow(m.conversation_id))?.unread_count).toBe(0);
    // The contact's own first message then fills in the name.
    const reply = keyId();
    await send(inst, "messages.upsert", upsert({ id: reply, from, pushName: "Carla" }));
    await messageByExternal(inst.id, reply);
    expect((await contactByNumber(`+${from}`))?.name).toBe("Carla");
  });

  it("archive → the next inbound message starts a new conversation", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const first = keyId();
    await send(inst, "messages.upsert", upsert({ id: first, from }));
    const m1 = await messageByExternal(inst.id, first);
    const archived = await api(`/api/conversations/${m1.conversation_id}/archive`, { method: "POST" });
    expect((await jsonOf<ConversationView>(archived)).status).toBe("archived");
    const second = keyId();
    await send(inst, "messages.upsert", upsert({ id: second, from, ts: 1763900999 }));
    const m2 = await messageByExternal(inst.id, second);
    expect(m2.conversation_id).not.toBe(m1.conversation_id);
    expect((await conversationRow(m2.conversation_id))?.status).toBe("active");
    const page = await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${m2.conversation_id}/messages`));
    expect(page.items.map((i) => i.external_id)).toEqual([second]);
  });

  it("protocol messages are ignored, not stored", async () => {
    const inst = await seedInstance({ status: "open" });
    const id = keyId();
    await send(inst, "messages.upsert", upsert({ id, message: { protocolMessage: { type: "REVOKE" } }, messageType: "protocolMessage" }));
    expect((await settled(inst.id, `messages.upsert:${id}`)).status).toBe("ignored");
    const n = await env.DB.prepare("SELECT count(*) AS n FROM messages WHERE external_id = ?").bind(id).first<{ n: number }>();
    expect(n?.n).toBe(0);
  });
});

describe("ordering within one second", () => {
  it("messages stamped with the same WhatsApp second keep their arrival order", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const texts = ["first", "second", "third", "fourth"];
    for (const t of texts) await send(inst, "messages.upsert", upsert({ from, message: { conversation: t }, ts: 1763900000 }));
    const rows = await eventually(async () => {
      const { results } = await env.DB.prepare(
        "SELECT m.content, m.timestamp FROM messages m JOIN contacts c ON c.id = (SELECT contact_id FROM conversations WHERE id = m.conversation_id) WHERE c.whatsapp_number = ? ORDER BY m.timestamp, m.id",
      )
        .bind(`+${from}`)
        .all<{ content: string; timestamp: number }>();
      return results.length === 4 ? results : null;
    });
    expect(rows.map((r) => r.content)).toEqual(texts);
    expect(rows.map((r) => r.timestamp)).toEqual([1763900000000, 1763900000001, 1763900000002, 1763900000003]);
  });

  it("a reply stamped in the same second as our send becomes the preview", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const first = keyId();
    await send(inst, "messages.upsert", upsert({ id: first, from, ts: Math.floor(Date.now() / 1000) - 60 }));
    const m = await messageByExternal(inst.id, first);
    // Wait until we are a little into a second, so our send's ms are past the whole second.
    while (Date.now() % 1000 < 200 || Date.now() % 1000 > 600) await new Promise((r) => setTimeout(r, 20));
    await api(`/api/conversations/${m.conversation_id}/messages`, { method: "POST", json: { type: "text", content: "Qual o seu CEP?" } });
    const reply = keyId();
    await send(
      inst,
      "messages.upsert",
      upsert({ id: reply, from, ts: Math.floor(Date.now() / 1000), message: { conversation: "Resposta automática: volto já" } }),
    );
    await messageByExternal(inst.id, reply);
    const thread = await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${m.conversation_id}/messages`));
    expect(thread.items.at(-1)?.content).toBe("Resposta automática: volto já"); // the thread has it last…
    const conv = await eventually(async () => jsonOf<ConversationView>(await api(`/api/conversations/${m.conversation_id}`)));
    expect({ preview: conv.last_message_content, unread: conv.unread_count }).toEqual({ preview: "Resposta automática: volto já", unread: 2 });
  });
});

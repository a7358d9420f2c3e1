import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MessageView } from "../../shared/inbox";
import { api, eventually, jsonOf, seedInstance } from "../helpers";
import { keyId, messageByExternal, messagesByExternal, phone, send, settled, upsert } from "./fixtures";

const update = (id: string, from: string, status: string | number) => ({
  keyId: id,
  remoteJid: `${from}@s.whatsapp.net`,
  fromMe: true,
  participant: null,
  status,
  instanceId: "uuid",
  messageId: `cuid${id}`,
});

describe("messages.update, messages.delete and send.message", () => {
  it("an update that arrives before its message is held, then applied when the message lands", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    await send(inst, "messages.update", update(id, from, "DELIVERY_ACK"));
    await send(inst, "messages.update", update(id, from, "READ"));
    await new Promise((r) => setTimeout(r, 100));
    const held = await env.DB.prepare("SELECT status FROM webhook_events WHERE instance_id = ? AND event = 'messages.update'")
      .bind(inst.id)
      .all<{ status: string }>();
    expect(held.results.map((r) => r.status)).toEqual(["received", "received"]);
    await send(inst, "messages.upsert", upsert({ id, from, fromMe: true, pushName: "Você" }));
    await eventually(async () => (await messagesByExternal(inst.id, id))[0]?.status === "read");
    expect((await settled(inst.id, `messages.update:${id}:READ`)).status).toBe("processed");
    expect((await settled(inst.id, `messages.update:${id}:DELIVERY_ACK`)).status).toBe("processed");
  });

  it("never moves backwards: READ then DELIVERY_ACK stays read; numeric acks work too", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    await send(inst, "messages.upsert", upsert({ id, from, fromMe: true }));
    await messageByExternal(inst.id, id);
    await send(inst, "messages.update", update(id, from, "READ"));
    await eventually(async () => (await messagesByExternal(inst.id, id))[0]?.status === "read");
    await send(inst, "messages.update", update(id, from, "DELIVERY_ACK"));
    await send(inst, "messages.update", update(id, from, 2));
    await send(inst, "messages.update", update(id, from, "ERROR"));
    await settled(inst.id, `messages.update:${id}:ERROR`);
    expect((await messagesByExternal(inst.id, id))[0]?.status).toBe("read");
  });

  it("messages.delete marks the message deleted; the API hides its content", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    await send(inst, "messages.upsert", upsert({ id, from, message: { conversation: "apaga isso" } }));
    const m = await messageByExternal(inst.id, id);
    await send(inst, "messages.delete", { remoteJid: `${from}@s.whatsapp.net`, fromMe: false, id });
    await eventually(async () => (await messagesByExternal(inst.id, id))[0]?.deleted_at);
    const page = await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${m.conversation_id}/messages`));
    expect(page.items[0]).toMatchObject({ content: null });
    expect(page.items[0]?.deleted_at).toBeTruthy();
  });

  it("a send.message echo of our pending message claims it instead of creating a second one", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    // The contact and conversation exist; our message is pending (its send response not back yet).
    const first = keyId();
    await send(inst, "messages.upsert", upsert({ id: first, from }));
    const m = await messageByExternal(inst.id, first);
    const pending = `msg_PENDINGECHOTEST${Math.random().toString(36).slice(2, 4).padEnd(2, "x")}`;
    await env.DB.prepare(
      "INSERT INTO messages (id, conversation_id, instance_id, type, from_me, content, status, sender) VALUES (?, ?, ?, 'text', 1, 'Pedido confirmado', 'pending', 'user')",
    )
      .bind(pending, m.conversation_id, inst.id)
      .run();
    const echoId = keyId();
    const echo = { ...upsert({ id: echoId, from, fromMe: true, pushName: "Você", message: { conversation: "Pedido confirmado" } }), status: "PENDING" };
    await send(inst, "send.message", echo);
    await settled(inst.id, `send.message:${echoId}`);
    const rows = await messagesByExternal(inst.id, echoId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: pending, status: "sent" });
    // The send response arriving afterwards changes nothing; the echo again is ignored.
    await env.WA_INSTANCE.getByName(inst.id).outboundSent(pending, echoId);
    await send(inst, "send.message", { ...echo, status: "PENDING" });
    const count = await env.DB.prepare("SELECT count(*) AS n FROM messages WHERE conversation_id = ?").bind(m.conversation_id).first<{ n: number }>();
    expect(count?.n).toBe(2);
  });

  it("an echo of a send by another API client (nothing of ours pending) is stored once, from_me", async () => {
    const inst = await seedInstance({ status: "open" });
    const id = keyId();
    const echo = { ...upsert({ id, fromMe: true, pushName: "Você", message: { conversation: "via bot" } }), status: "PENDING" };
    await send(inst, "send.message", echo);
    await send(inst, "send.message", echo);
    const m = await messageByExternal(inst.id, id);
    expect(m).toMatchObject({ from_me: 1, sender: "user", status: "sent", content: "via bot" });
    expect(await messagesByExternal(inst.id, id)).toHaveLength(1);
  });
});

import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seedInstance } from "../helpers";
import { type Inst, keyId, messageByExternal, messagesByExternal, phone, send, settled, upsert } from "./fixtures";

const newMsgId = () => `msg_${crypto.randomUUID().replace(/-/g, "").slice(0, 20)}`;
const DOWN = "Evolution POST /message/sendText → 503: Evolution is down (after 3 attempts)";
const TIMED_OUT = "Evolution POST /message/sendText/x timed out after 60000 ms (it may still have been delivered)";

type Ours = {
  type: "text" | "image";
  content?: string | null;
  caption?: string | null;
  mime?: string | null;
  status: "pending" | "failed";
  error?: string | null;
};

/** A conversation with one message of ours in it, as the send consumer left it. */
async function withOurs(o: Ours) {
  const inst = await seedInstance({ status: "open" });
  const from = phone();
  const first = keyId();
  await send(inst, "messages.upsert", upsert({ id: first, from }));
  const m = await messageByExternal(inst.id, first);
  const ours = newMsgId();
  await env.DB.prepare(
    "INSERT INTO messages (id, conversation_id, instance_id, type, from_me, content, caption, mime_type, status, error, sender, timestamp) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?, 'user', ?)",
  )
    .bind(ours, m.conversation_id, inst.id, o.type, o.content ?? null, o.caption ?? null, o.mime ?? null, o.status, o.error ?? null, Date.now() - 60_000)
    .run();
  return { inst, from, ours };
}

const echo = (inst: Inst, from: string, id: string, message: Record<string, unknown>, messageType = "conversation") =>
  send(inst, "send.message", { ...upsert({ id, from, fromMe: true, pushName: "Você", message, messageType }), status: "PENDING" });

const image = (caption: string) => ({ imageMessage: { url: "https://mmg.whatsapp.net/x.enc", mimetype: "image/jpeg", caption } });
const ourRow = (id: string) => env.DB.prepare("SELECT status, external_id FROM messages WHERE id = ?").bind(id).first();

/** The object re-checks held deliveries on its alarm; held over an hour, they are given up on. */
async function anHourLater(inst: Inst) {
  await env.DB.prepare("UPDATE webhook_events SET received_at = received_at - 2 * 3600 * 1000 WHERE instance_id = ? AND event = 'send.message'")
    .bind(inst.id)
    .run();
  await runDurableObjectAlarm(env.WA_INSTANCE.getByName(inst.id));
}

describe("send.message from another API client", () => {
  it("an image is stored while ours that failed for sure stays failed", async () => {
    const { inst, from, ours } = await withOurs({ type: "image", status: "failed", error: DOWN });
    const echoId = keyId();
    await echo(inst, from, echoId, image("catálogo do bot"), "imageMessage");
    await settled(inst.id, `send.message:${echoId}`);
    const stored = await messagesByExternal(inst.id, echoId);
    expect({ ours: await ourRow(ours), stored: stored.map((s) => ({ id: s.id === ours ? "ours" : "new", caption: s.caption })) }).toEqual({
      ours: { status: "failed", external_id: null },
      stored: [{ id: "new", caption: "catálogo do bot" }],
    });
  });

  it("a text is stored at once, not held until it expires and is dropped, while ours failed for sure", { timeout: 20_000 }, async () => {
    const { inst, from } = await withOurs({ type: "text", content: "Seu boleto", status: "failed", error: DOWN });
    const echoId = keyId();
    await echo(inst, from, echoId, { conversation: "Mensagem do bot" });
    await new Promise((r) => setTimeout(r, 300));
    await anHourLater(inst);
    const ev = await settled(inst.id, `send.message:${echoId}`);
    const stored = await messagesByExternal(inst.id, echoId);
    expect({ event: ev.status, error: ev.error, stored: stored.map((s) => s.content) }).toEqual({
      event: "processed",
      error: null,
      stored: ["Mensagem do bot"],
    });
  });

  it("an image with another caption does not claim our pending image; held past an hour it is stored, not dropped", { timeout: 20_000 }, async () => {
    const { inst, from, ours } = await withOurs({ type: "image", caption: "nossa promoção", mime: "image/jpeg", status: "pending" });
    const echoId = keyId();
    await echo(inst, from, echoId, image("catálogo do bot"), "imageMessage");
    await new Promise((r) => setTimeout(r, 300));
    expect((await messagesByExternal(inst.id, echoId)).length).toBe(0); // held: ours is still in flight
    await anHourLater(inst);
    const ev = await settled(inst.id, `send.message:${echoId}`);
    const stored = await messagesByExternal(inst.id, echoId);
    expect({ event: ev.status, ours: await ourRow(ours), stored: stored.map((s) => s.caption) }).toEqual({
      event: "processed",
      ours: { status: "pending", external_id: null },
      stored: ["catálogo do bot"],
    });
  });
});

describe("send.message echo of our send that timed out", () => {
  it("claims the failed message (it may still have been delivered) instead of storing a second one", async () => {
    const { inst, from, ours } = await withOurs({ type: "text", content: "Seu boleto", status: "failed", error: TIMED_OUT });
    const echoId = keyId();
    await echo(inst, from, echoId, { conversation: "Seu boleto" });
    await settled(inst.id, `send.message:${echoId}`);
    expect({ ours: await ourRow(ours), stored: (await messagesByExternal(inst.id, echoId)).map((s) => s.id) }).toEqual({
      ours: { status: "sent", external_id: echoId },
      stored: [ours],
    });
  });
});

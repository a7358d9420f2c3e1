// Private notes (issue 17 §5): in the thread for whoever sees the conversation, @mentions notify
// the people named (only those who can see it), never sent to WhatsApp nor shown to the AI agent.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { historyMessages } from "../../agents/prompt";
import { recentHistory } from "../../agents/replies.queries";
import { mentionTokens } from "../../inbox/notes";
import { getDb } from "../../platform/db/client";
import type { NoteView } from "../../shared/inbox";
import { api, eventually, jsonOf, seedInstance, uid } from "../helpers";
import { inbound, invite, openDashboard, unit } from "./fixtures";

async function setup() {
  const inst = await seedInstance();
  const other = await seedInstance();
  const tag = uid().slice(0, 6);
  const ana = await invite({ name: `Ana${tag} Lima` });
  const caio = await invite({ name: `Caio${tag} Reis`, email: `caio.${tag}@parley.test` });
  const outsider = await invite({ name: `Bruno${tag} Melo` });
  await unit({ instanceIds: [inst.id], memberIds: [ana.id, caio.id] });
  await unit({ instanceIds: [other.id], memberIds: [outsider.id] });
  return { tag, ana, caio, outsider, conv: await inbound(inst) };
}

describe("private notes", () => {
  it("a note with @mentions notifies exactly the mentioned people who can see the conversation", async () => {
    const { tag, ana, caio, outsider, conv } = await setup();
    const [caioDash, outsiderDash] = [await openDashboard(caio), await openDashboard(outsider)];
    const text = `@caio.${tag}, can you call them? cc @Bruno${tag}Melo`;
    const res = await ana.call(`/api/conversations/${conv.id}/notes`, { method: "POST", json: { text } });
    expect(res.status).toBe(201);
    const note = await jsonOf<NoteView>(res);
    // Caio by e-mail local part; Bruno is named but works another unit: ignored.
    expect(note).toMatchObject({
      conversation_id: conv.id,
      author: { id: ana.id, name: `Ana${tag} Lima` },
      text,
      mentions: [{ id: caio.id, name: `Caio${tag} Reis` }],
    });

    const frame = await eventually(async () => caioDash.frames.find((f) => f.type === "notification" && f.kind === "mention"));
    expect(frame).toMatchObject({ conversation_id: conv.id, text, by: `Ana${tag} Lima` });
    await eventually(async () => caioDash.frames.some((f) => f.type === "changed" && f.topic === "notes" && f.id === note.id));
    expect(outsiderDash.frames.some((f) => f.type === "notification")).toBe(false);
    caioDash.close();
    outsiderDash.close();

    // First name and full name (case and spaces aside), and an explicit id, from the admin token.
    const more = await api(`/api/conversations/${conv.id}/notes`, {
      method: "POST",
      json: { text: `@ana${tag} and @CAIO${tag}REIS: noted`, mention_ids: [outsider.id] },
    });
    const second = await jsonOf<NoteView>(more);
    expect(second.mentions.map((m) => m.id).sort()).toEqual([ana.id, caio.id].sort());

    const list = await jsonOf<{ items: NoteView[] }>(await caio.call(`/api/conversations/${conv.id}/notes`));
    expect(list.items.map((n) => n.id)).toEqual([note.id, second.id]);
    expect(list.items.map((n) => n.author.name)).toEqual([`Ana${tag} Lima`, "Owner (admin token)"]);
    expect(list.items[0]).toEqual(note);
  });

  it("notes stay out of the thread, the outbox and the AI agent's history; other units get 404", async () => {
    const { ana, outsider, conv } = await setup();
    await ana.call(`/api/conversations/${conv.id}/notes`, { method: "POST", json: { text: "internal: VIP customer, discount ok" } });
    const thread = await jsonOf<{ items: { content: string | null }[] }>(await api(`/api/conversations/${conv.id}/messages`));
    expect(thread.items.map((m) => m.content)).toEqual(["Oi, tudo bem?"]);
    const outbox = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE instance_id = ?").bind(conv.instance_id).first<{ n: number }>();
    expect(outbox?.n).toBe(0);
    const history = historyMessages(await recentHistory(getDb(env.DB), conv.id, 50));
    expect(JSON.stringify(history)).not.toContain("VIP");

    expect((await outsider.call(`/api/conversations/${conv.id}/notes`)).status).toBe(404);
    expect((await outsider.call(`/api/conversations/${conv.id}/notes`, { method: "POST", json: { text: "hi" } })).status).toBe(404);
    const empty = await ana.call(`/api/conversations/${conv.id}/notes`, { method: "POST", json: { text: "   " } });
    expect(empty.status).toBe(400);
    const long = await ana.call(`/api/conversations/${conv.id}/notes`, { method: "POST", json: { text: "x".repeat(4001) } });
    expect(long.status).toBe(400);
  });

  it("reads @tokens the way people type them", () => {
    expect(mentionTokens("@Ana, @joão.silva. mail me at x@y.com (@caio)")).toEqual(["ana", "joao.silva", "caio"]);
  });
});

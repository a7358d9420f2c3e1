// Rows stored before the edge bounded what it accepts (or edited by hand): one bad row never
// fails a list, a page or the export — it is shown with its time clamped and its context cut.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CLIPPED_CONTEXT } from "../../contacts/contacts.dto";
import { newId } from "../../platform/lib/ids";
import { jsonTooDeep } from "../../platform/lib/json";
import type { ContactPage, ContactView } from "../../shared/contacts";
import type { ConversationView, MessageView } from "../../shared/inbox";
import { api, jsonOf, seedInstance, uid } from "../helpers";

const number = () => `+1415558${String(Math.floor(1000 + Math.random() * 8999))}`;
const LATEST = "9999-12-31T23:59:59.999Z";
const EPOCH = "1970-01-01T00:00:00.000Z";
// 16,000 levels: what fitted the 32 KB byte cap before depth was bounded.
const DEEP_CONTEXT = `{"x":${"[".repeat(16_000)}1${"]".repeat(16_000)}}`;

async function insertContact(name: string, llmContext: string, createdAt: number | string) {
  const id = newId("contact");
  await env.DB.prepare("INSERT INTO contacts (id, name, whatsapp_number, llm_context, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(id, name, number(), llmContext, createdAt, createdAt)
    .run();
  return id;
}

/** Every page of a list, following next_cursor, each answered 200. */
async function allPages<T>(path: (cursor: string | null) => string, cursorOf: (page: { next_cursor: string | null }) => string | null) {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    const res = await api(path(cursor));
    expect(res.status, path(cursor)).toBe(200);
    const page = await jsonOf<{ items: T[]; next_cursor: string | null }>(res);
    items.push(...page.items);
    cursor = cursorOf(page);
    if (!cursor) return items;
  }
  throw new Error("pages never ended");
}

describe("a bad stored contact", () => {
  it("a context nested 16,000 levels, a created_at of 1e20 or text: every page lists all of them, the context cut at the bound", async () => {
    const mark = `bad-${uid()}`;
    const good = await insertContact(`${mark} good`, '{"ok":1}', Date.now());
    const deep = await insertContact(`${mark} deep`, DEEP_CONTEXT, Date.now() - 1000);
    const future = await insertContact(`${mark} future`, "{}", 1e20);
    const text = await insertContact(`${mark} text`, "{}", "not a time");

    const page = await jsonOf<ContactPage>(await api(`/api/contacts?name=${mark}`));
    expect(page.count).toBe(4);
    const byId = new Map(page.items.map((c) => [c.id, c]));
    expect(byId.get(good)?.llm_context).toEqual({ ok: 1 });
    const shown = byId.get(deep)!.llm_context;
    expect(jsonTooDeep(shown, 32)).toBeNull();
    expect(JSON.stringify(shown)).toBe(`{"x":${"[".repeat(31)}"${CLIPPED_CONTEXT}"${"]".repeat(31)}}`);
    expect(byId.get(future)?.created_at).toBe(LATEST);
    expect(byId.get(text)?.created_at).toBe(EPOCH);

    // One per page: every page holding a bad row answers, and the cursor goes past it.
    const paged = await allPages<ContactView>(
      (c) => `/api/contacts?name=${mark}&limit=1${c ? `&cursor=${c}` : ""}`,
      (p) => p.next_cursor,
    );
    expect(paged.map((c) => c.id).sort()).toEqual([good, deep, future, text].sort());

    expect((await api(`/api/contacts/${deep}`)).status).toBe(200);
    const csv = await api(`/api/contacts/export?name=${mark}`);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(5);
    expect(lines.join("\n")).toContain(LATEST);
  });

  it("appending to a context stored too deep is a 422 saying so; replacing it works", async () => {
    const id = await insertContact(`deep-${uid()}`, DEEP_CONTEXT, Date.now());
    const append = await api(`/api/contacts/${id}/llm-context`, { method: "POST", json: { y: 1 } });
    expect(append.status).toBe(422);
    expect((await jsonOf<{ error: { code: string; message: string } }>(append)).error).toMatchObject({
      code: "llm_context_too_deep",
      message: expect.stringMatching(/more than 32 levels/),
    });
    const put = await api(`/api/contacts/${id}/llm-context`, { method: "PUT", json: { y: 1 } });
    expect(put.status).toBe(200);
    expect((await jsonOf<ContactView>(put)).llm_context).toEqual({ y: 1 });
  });
});

describe("a bad stored conversation or message", () => {
  it("a time of 1e20 or text: the conversation list and the thread answer 200 with every row, times clamped", async () => {
    const inst = await seedInstance({ status: "open" });
    const contact = await insertContact(`conv-${uid()}`, "{}", Date.now());
    const other = await insertContact(`conv-${uid()}`, "{}", Date.now());
    const [bad, fine] = [newId("conversation"), newId("conversation")];
    const conv = env.DB.prepare("INSERT INTO conversations (id, instance_id, instance_name, contact_id, last_message_at) VALUES (?, ?, ?, ?, ?)");
    await conv.bind(bad, inst.id, inst.name, contact, 1e20).run();
    await conv.bind(fine, inst.id, inst.name, other, Date.now()).run();
    const msg = env.DB.prepare(
      "INSERT INTO messages (id, conversation_id, instance_id, type, from_me, timestamp, content, status, sender) VALUES (?, ?, ?, 'text', 0, ?, ?, 'delivered', 'contact')",
    );
    const times: (number | string)[] = [Date.now() - 5000, 1e20, "not a time", -5];
    const ids = times.map(() => newId("message"));
    for (const [i, t] of times.entries()) await msg.bind(ids[i], bad, inst.id, t, `m${i}`).run();

    const convs = await allPages<ConversationView>(
      (c) => `/api/conversations?instance_id=${inst.id}&limit=1${c ? `&cursor=${c}` : ""}`,
      (p) => p.next_cursor,
    );
    expect(convs.map((c) => c.id).sort()).toEqual([bad, fine].sort());
    expect(convs.find((c) => c.id === bad)?.last_message_at).toBe(LATEST);

    const thread = await allPages<MessageView>(
      (c) => `/api/conversations/${bad}/messages?limit=1${c ? `&before=${c}` : ""}`,
      (p) => p.next_cursor,
    );
    const shown = new Map(thread.map((m) => [m.id, m.timestamp]));
    expect([...shown.keys()].sort()).toEqual([...ids].sort());
    expect(shown.get(ids[1]!)).toBe(LATEST);
    expect(shown.get(ids[2]!)).toBe(EPOCH);
    expect(shown.get(ids[3]!)).toBe(EPOCH);
    expect((await api(`/api/conversations/${bad}`)).status).toBe(200);
  });
});

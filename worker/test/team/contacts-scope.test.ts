// An agent's contacts (issue 17): those with a conversation on their units' instances, and those
// with no conversation yet (so anyone may start one); a contact of another unit is a 404.
import { describe, expect, it } from "vitest";
import type { ContactView } from "../../shared/contacts";
import { brMobile, createContact } from "../contacts/contacts.fixtures";
import { api, jsonOf, seedInstance, uid } from "../helpers";
import { inbound, invite, unit } from "./fixtures";

type Page = { items: ContactView[]; count: number };
const idsOf = async (res: Response) => (await jsonOf<Page>(res)).items.map((c) => c.id);

async function setup() {
  const instA = await seedInstance();
  const instB = await seedInstance();
  const a = await invite({ name: "Ana Lima" });
  const b = await invite({ name: "Bruno Melo" });
  await unit({ instanceIds: [instA.id], memberIds: [a.id] });
  await unit({ instanceIds: [instB.id], memberIds: [b.id] });
  const tag = `t${uid()}`;
  const ofA = (await inbound(instA)).contact_id;
  const ofB = (await inbound(instB)).contact_id;
  const free = (await createContact({ name: `Free ${tag}` })).id;
  for (const id of [ofA, ofB, free]) await api(`/api/contacts/${id}/tags`, { method: "POST", json: { tag } });
  return { instA, instB, a, b, tag, ofA, ofB, free };
}

describe("contacts an agent sees", () => {
  it("their units' contacts and the ones nobody talks to yet, in lists, search and tag search", async () => {
    const { a, b, tag, ofA, ofB, free } = await setup();
    const listed = await idsOf(await b.call(`/api/contacts?tags=${tag}`));
    expect(listed.sort()).toEqual([ofB, free].sort());
    expect((await jsonOf<Page>(await b.call(`/api/contacts?tags=${tag}`))).count).toBe(2);
    expect((await idsOf(await a.call(`/api/contacts?tags=${tag}`))).sort()).toEqual([ofA, free].sort());
    expect((await idsOf(await api(`/api/contacts?tags=${tag}`))).sort()).toEqual([ofA, ofB, free].sort());

    const numberOfA = (await jsonOf<ContactView>(await api(`/api/contacts/${ofA}`))).whatsapp_number;
    expect(await idsOf(await b.call(`/api/contacts/search?whatsapp_number=${encodeURIComponent(numberOfA)}`))).toEqual([]);
    expect(await idsOf(await a.call(`/api/contacts/search?whatsapp_number=${encodeURIComponent(numberOfA)}`))).toEqual([ofA]);
    const byTags = await jsonOf<{ ids: string[] }>(await b.call("/api/contacts/search-by-tags", { method: "POST", json: { tags: [tag] } }));
    expect(byTags.ids.sort()).toEqual([ofB, free].sort());
  });

  it("another unit's contact is a 404 to read, edit, tag or start a conversation with; its number's 409 names no id", async () => {
    const { instB, a, b, tag, ofA } = await setup();
    expect((await b.call(`/api/contacts/${ofA}`)).status).toBe(404);
    expect((await b.call(`/api/contacts/${ofA}`, { method: "PATCH", json: { name: "x" } })).status).toBe(404);
    expect((await b.call(`/api/contacts/${ofA}/tags`, { method: "POST", json: { tag: "vip" } })).status).toBe(404);
    expect((await b.call(`/api/contacts/${ofA}/tags/${tag}`, { method: "DELETE" })).status).toBe(404);
    expect((await b.call(`/api/contacts/${ofA}/llm-context`, { method: "POST", json: { note: "x" } })).status).toBe(404);
    expect((await b.call(`/api/contacts/${ofA}/llm-context`, { method: "PUT", json: { note: "x" } })).status).toBe(404);
    expect((await b.call("/api/conversations", { method: "POST", json: { contact_id: ofA, instance_id: instB.id } })).status).toBe(404);
    const untouched = await jsonOf<ContactView>(await api(`/api/contacts/${ofA}`));
    expect(untouched.tags).toEqual([tag]);
    expect(untouched.llm_context).toEqual({});

    const number = untouched.whatsapp_number;
    const dup = await b.call("/api/contacts", { method: "POST", json: { whatsapp_number: number } });
    expect(dup.status).toBe(409);
    expect(await jsonOf(dup)).toEqual({ error: { code: "conflict", message: expect.stringContaining("already exists") } });

    // Their own unit's contact they may edit.
    const edited = await a.call(`/api/contacts/${ofA}`, { method: "PATCH", json: { name: "Cliente A" } });
    expect(edited.status).toBe(200);
    expect((await a.call(`/api/contacts/${ofA}/llm-context`, { method: "POST", json: { plan: "gold" } })).status).toBe(200);
  });

  it("a contact an agent creates is everyone's until a conversation ties it to a unit", async () => {
    const { instB, a, b } = await setup();
    const created = await b.call("/api/contacts", { method: "POST", json: { whatsapp_number: brMobile() } });
    expect(created.status).toBe(201);
    const id = (await jsonOf<ContactView>(created)).id;
    expect((await a.call(`/api/contacts/${id}`)).status).toBe(200);
    const opened = await b.call("/api/conversations", { method: "POST", json: { contact_id: id, instance_id: instB.id } });
    expect(opened.status).toBe(201);
    expect((await b.call(`/api/contacts/${id}`)).status).toBe(200);
    expect((await a.call(`/api/contacts/${id}`)).status).toBe(404);
  });
});

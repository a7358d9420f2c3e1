import { describe, expect, it } from "vitest";
import { api, jsonOf, uid } from "../helpers";
import { type Contact, createContact, type Page } from "./contacts.fixtures";

async function list(query: string): Promise<Page> {
  const res = await api(`/api/contacts?${query}`);
  expect(res.status, query).toBe(200);
  return jsonOf<Page>(res);
}

describe("search by tags", () => {
  it("returns ids and count for match=all (default) and match=any", async () => {
    const t = uid();
    const [a, b] = [`a${t}`, `b${t}`];
    const both = await createContact({ tags: [a, b] });
    const onlyA = await createContact({ tags: [a] });
    const onlyB = await createContact({ tags: [b, "other"] });
    await createContact({ tags: ["unrelated"] });
    const all = await jsonOf<{ ids: string[]; count: number }>(
      await api("/api/contacts/search-by-tags", { method: "POST", json: { tags: [a, b.toUpperCase()] } }),
    );
    expect(all).toEqual({ ids: [both.id], count: 1 });
    const any = await jsonOf<{ ids: string[]; count: number }>(
      await api("/api/contacts/search-by-tags", { method: "POST", json: { tags: [a, b], match: "any" } }),
    );
    expect(any.count).toBe(3);
    expect(any.ids.sort()).toEqual([both.id, onlyA.id, onlyB.id].sort());
    const bad = await api("/api/contacts/search-by-tags", { method: "POST", json: { tags: [], match: "some" } });
    expect(bad.status).toBe(400);
  });
});

describe("GET /api/contacts", () => {
  it("combines tag, country, name, description and number filters with a total count", async () => {
    const t = uid();
    const tag = `f${t}`;
    const ana = await createContact({ name: `Ána Souza ${t}`, description: "Loves coffee", tags: [tag, `x${t}`] });
    const bob = await createContact({ name: `Bob ${t}`, whatsapp_number: "+1 415 555 0199", tags: [tag] });
    await createContact({ name: `Carl ${t}`, description: "tea 100%" });
    expect((await list(`tags=${tag}`)).count).toBe(2);
    expect((await list(`tags=${tag},x${t}`)).items.map((c) => c.id)).toEqual([ana.id]);
    expect((await list(`tags=${tag},x${t}&match=any`)).count).toBe(2);
    expect((await list(`tags=${tag}&country=us`)).items.map((c) => c.id)).toEqual([bob.id]);
    expect((await list(`name=souza ${t}`)).items.map((c) => c.id)).toEqual([ana.id]);
    expect((await list(`description=COFFEE&name=${t}`)).count).toBe(1);
    // % in the search is literal, not a wildcard.
    expect((await list(`description=${encodeURIComponent("100%")}&name=${t}`)).count).toBe(1);
    expect((await list(`description=${encodeURIComponent("1%0")}&name=${t}`)).count).toBe(0);
    expect((await list(`number=${encodeURIComponent("(415) 555-01")}&name=${t}`)).items[0]?.id).toBe(bob.id);
    expect((await list(`q=${t}`)).count).toBe(3);
    expect((await list(`q=x${t}`)).items.map((c) => c.id)).toEqual([ana.id]);
  });

  it("pages with a keyset cursor, newest first, without gaps or repeats", async () => {
    const tag = `p${uid()}`;
    const made: Contact[] = [];
    for (let i = 0; i < 7; i++) made.push(await createContact({ tags: [tag] }));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(`tags=${tag}&limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.count).toBe(7);
      seen.push(...page.items.map((c) => c.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen[0]).toBe(made.at(-1)?.id);
    expect((await api("/api/contacts?cursor=!!bad")).status).toBe(400);
    expect((await api("/api/contacts?limit=5000")).status).toBe(400);
  });
});

describe("GET /api/contacts/search", () => {
  it("searches by name, number digits and country", async () => {
    const t = uid();
    const c = await createContact({ name: `Zoë ${t}`, whatsapp_number: "+351 912 345 678" });
    const byName = await jsonOf<Page>(await api(`/api/contacts/search?name=ZOË ${t}`.replace("Ë", "ë")));
    expect(byName.items.map((x) => x.id)).toEqual([c.id]);
    const byNumber = await jsonOf<Page>(await api("/api/contacts/search?whatsapp_number=912%20345"));
    expect(byNumber.items.map((x) => x.id)).toContain(c.id);
    const byCountry = await jsonOf<Page>(await api("/api/contacts/search?country=PT"));
    expect(byCountry.items.map((x) => x.id)).toContain(c.id);
    expect(byCountry.items.every((x) => x.country === "PT")).toBe(true);
    expect((await api("/api/contacts/search")).status).toBe(400);
    expect((await api("/api/contacts/search?whatsapp_number=abc")).status).toBe(400);
  });
});

describe("GET /api/tags", () => {
  it("lists every tag with its contact count, following adds and deletes", async () => {
    const t = uid();
    const one = await createContact({ tags: [`k${t}`, `l${t}`] });
    await createContact({ tags: [`k${t}`] });
    const counts = async () => {
      const all = await jsonOf<{ tag: string; count: number }[]>(await api("/api/tags"));
      return Object.fromEntries(all.filter((r) => r.tag.endsWith(t)).map((r) => [r.tag, r.count]));
    };
    expect(await counts()).toEqual({ [`k${t}`]: 2, [`l${t}`]: 1 });
    await api(`/api/contacts/${one.id}`, { method: "DELETE" });
    expect(await counts()).toEqual({ [`k${t}`]: 1 });
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, jsonOf, uid } from "../helpers";
import { createContact, type Page, tagRows } from "./contacts.fixtures";

type BulkResult = { action: string; matched: number; affected: number };

async function bulk(json: unknown): Promise<BulkResult> {
  const res = await api("/api/contacts/bulk", { method: "POST", json });
  expect(res.status, JSON.stringify(json).slice(0, 200)).toBe(200);
  return jsonOf<BulkResult>(res);
}

describe("bulk", () => {
  it("adds and removes a tag by ids, keeping contact_tags in sync", async () => {
    const t = uid();
    const a = await createContact();
    const b = await createContact({ tags: [`n${t}`] });
    expect(await bulk({ ids: [a.id, b.id], action: "add_tag", tag: `N${t}` })).toMatchObject({ matched: 2, affected: 1 });
    expect(await tagRows(a.id)).toEqual([`n${t}`]);
    const got = await jsonOf<Page>(await api(`/api/contacts?tags=n${t}`));
    expect(got.count).toBe(2);
    expect(got.items.every((c) => c.tags.includes(`n${t}`))).toBe(true);
    expect(await bulk({ ids: [a.id, b.id], action: "remove_tag", tag: `n${t}` })).toMatchObject({ affected: 2 });
    expect(await tagRows(b.id)).toEqual([]);
  });

  it("acts on every contact matching a filter, not only a page", async () => {
    const t = uid();
    const group = `g${t}`;
    for (let i = 0; i < 60; i++) await createContact({ name: `Bulk ${t} ${i}`, tags: i % 2 ? [group] : [] });
    expect(await bulk({ filter: { name: `bulk ${t}` }, action: "add_tag", tag: `m${t}` })).toMatchObject({
      matched: 60,
      affected: 60,
    });
    expect((await jsonOf<Page>(await api(`/api/contacts?tags=m${t},${group}&limit=5`))).count).toBe(30);
    expect(await bulk({ filter: { tags: [group] }, action: "delete" })).toMatchObject({ matched: 30, affected: 30 });
    expect((await jsonOf<Page>(await api(`/api/contacts?name=bulk ${t}`))).count).toBe(30);
    const orphans = await env.DB.prepare("SELECT count(*) AS n FROM contact_tags WHERE contact_id NOT IN (SELECT id FROM contacts)").first<number>("n");
    expect(orphans).toBe(0);
  });

  it("handles 10,000 ids in one request", async () => {
    const t = uid();
    const now = Date.now();
    // Seeded straight into D1: creating 10,000 through the API would only test the API 10,000 times.
    const ids = Array.from({ length: 10_000 }, (_, i) => `ct_${t}${String(i).padStart(8, "0")}`);
    const rows = ids.map((id, i) => ({ id, n: `+1555${t.replace(/\D/g, "").slice(0, 3).padEnd(3, "0")}${String(i).padStart(5, "0")}` }));
    for (let i = 0; i < rows.length; i += 2000)
      await env.DB.prepare(
        "INSERT INTO contacts (id, whatsapp_number, created_at, updated_at) SELECT json_extract(value,'$.id'), json_extract(value,'$.n'), ?, ? FROM json_each(?)",
      )
        .bind(now, now, JSON.stringify(rows.slice(i, i + 2000)))
        .run();
    const started = Date.now();
    expect(await bulk({ ids, action: "add_tag", tag: `big${t}` })).toMatchObject({ matched: 10_000, affected: 10_000 });
    expect((await jsonOf<Page>(await api(`/api/contacts?tags=big${t}&limit=1`))).count).toBe(10_000);
    expect(await bulk({ ids, action: "delete" })).toMatchObject({ affected: 10_000 });
    console.log(`bulk 10k add_tag + delete: ${Date.now() - started} ms`);
  });

  it("validates ids/filter, the action and the tag", async () => {
    for (const json of [
      { action: "delete" },
      { ids: ["ct_x"], action: "delete" },
      { ids: [`ct_${"a".repeat(20)}`], filter: {}, action: "delete" },
      { filter: {}, action: "add_tag" },
      { filter: {}, action: "explode" },
    ]) {
      const res = await api("/api/contacts/bulk", { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect((await jsonOf<{ error: { code: string } }>(res)).error.code).toBe("validation_failed");
    }
  });
});

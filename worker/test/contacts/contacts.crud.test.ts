import { describe, expect, it } from "vitest";
import { api, jsonOf, uid } from "../helpers";
import { brMobile, type Contact, contactCount, createContact, type ErrorBody, tagRows } from "./contacts.fixtures";

describe("create", () => {
  it("needs only whatsapp_number and fills the defaults", async () => {
    const res = await api("/api/contacts", { method: "POST", json: { whatsapp_number: "+55 21 98765-4321" } });
    expect(res.status).toBe(201);
    const c = await jsonOf<Contact>(res);
    expect(c).toMatchObject({
      whatsapp_number: "+5521987654321",
      country: "BR",
      name: null,
      description: null,
      tags: [],
      llm_context: {},
      opted_out: false,
    });
    expect(c.id).toMatch(/^ct_[0-9A-Za-z]{20}$/);
    expect(new Date(c.created_at).toISOString()).toBe(c.created_at);
  });

  it("normalises three spellings of one Brazilian number to one contact", async () => {
    const first = await api("/api/contacts", { method: "POST", json: { whatsapp_number: "+55 (11) 99999-9999", name: "Ana" } });
    expect(first.status).toBe(201);
    const created = await jsonOf<Contact>(first);
    expect(created.whatsapp_number).toBe("+5511999999999");
    // Country code typed without + (libphonenumber strips BR's own 55), and the trunk prefix 0.
    for (const spelling of ["5511999999999", "011 99999 9999"]) {
      const dup = await api("/api/contacts", { method: "POST", json: { whatsapp_number: spelling } });
      expect(dup.status, spelling).toBe(409);
      const body = await jsonOf<ErrorBody>(dup);
      expect(body.error.code).toBe("conflict");
      expect(body.error.details).toEqual({ existing_id: created.id });
    }
  });

  it("reads a foreign number whose + was forgotten, and derives its country", async () => {
    const c = await createContact({ whatsapp_number: "4915123456789" });
    expect(c.whatsapp_number).toBe("+4915123456789");
    expect(c.country).toBe("DE");
    const us = await createContact({ whatsapp_number: "+1 (415) 555-2671" });
    expect(us.country).toBe("US");
  });

  it("keeps an explicit country", async () => {
    const c = await createContact({ country: "pt" });
    expect(c.country).toBe("PT");
  });

  it("rejects a malformed body with 400 naming the field, writing nothing", async () => {
    const before = await contactCount();
    const cases: [Record<string, unknown>, string][] = [
      [{}, "whatsapp_number"],
      [{ whatsapp_number: "12" }, "whatsapp_number"],
      [{ whatsapp_number: "not a phone" }, "whatsapp_number"],
      [{ whatsapp_number: brMobile(), tags: ["ok", "a,b"] }, "tags.1"],
      [{ whatsapp_number: brMobile(), tags: ["x".repeat(51)] }, "tags.0"],
      [{ whatsapp_number: brMobile(), country: "ZZZ" }, "country"],
      [{ whatsapp_number: brMobile(), llm_context: [1, 2] }, "llm_context"],
      [{ whatsapp_number: brMobile(), opted_out: "yes" }, "opted_out"],
      [{ whatsapp_number: brMobile(), nickname: "x" }, ""],
    ];
    for (const [json, path] of cases) {
      const res = await api("/api/contacts", { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      const body = await jsonOf<{ error: { code: string; details: { path: string }[] } }>(res);
      expect(body.error.code).toBe("validation_failed");
      if (path) expect(body.error.details.map((d) => d.path)).toContain(path);
    }
    expect(await contactCount()).toBe(before);
  });
});

describe("get, patch, delete", () => {
  it("gets a contact and answers 404 / 400 for unknown / malformed ids", async () => {
    const c = await createContact({ name: "Bia" });
    expect(await jsonOf<Contact>(await api(`/api/contacts/${c.id}`))).toEqual(c);
    expect((await api(`/api/contacts/ct_${"0".repeat(20)}`)).status).toBe(404);
    expect((await api("/api/contacts/nope")).status).toBe(400);
  });

  it("patches any field, keeping contact_tags in sync with tags", async () => {
    const t = uid();
    const c = await createContact({ tags: [`a${t}`, `b${t}`] });
    const res = await api(`/api/contacts/${c.id}`, {
      method: "PATCH",
      json: {
        name: "Carla",
        description: "VIP",
        tags: [` B${t} `, `c${t}`],
        opted_out: true,
        llm_context: { lang: "pt" },
        whatsapp_number: "+1 415 555 0100",
      },
    });
    expect(res.status).toBe(200);
    const p = await jsonOf<Contact>(res);
    expect(p).toMatchObject({ name: "Carla", description: "VIP", opted_out: true, llm_context: { lang: "pt" } });
    expect(p.tags).toEqual([`b${t}`, `c${t}`]);
    expect(p.whatsapp_number).toBe("+14155550100");
    expect(p.country).toBe("US");
    expect(await tagRows(c.id)).toEqual([`b${t}`, `c${t}`]);
    expect(Date.parse(p.updated_at)).toBeGreaterThanOrEqual(Date.parse(c.updated_at));
  });

  it("refuses a PATCH onto another contact's number with 409", async () => {
    const a = await createContact();
    const b = await createContact();
    const res = await api(`/api/contacts/${b.id}`, { method: "PATCH", json: { whatsapp_number: a.whatsapp_number } });
    expect(res.status).toBe(409);
    expect((await jsonOf<ErrorBody>(res)).error.details).toEqual({ existing_id: a.id });
  });

  it("rejects a malformed PATCH without changing anything", async () => {
    const c = await createContact({ name: "Dora" });
    const res = await api(`/api/contacts/${c.id}`, { method: "PATCH", json: { name: "Eva", opted_out: 3 } });
    expect(res.status).toBe(400);
    expect((await jsonOf<{ error: { details: { path: string }[] } }>(res)).error.details[0]?.path).toBe("opted_out");
    expect((await jsonOf<Contact>(await api(`/api/contacts/${c.id}`))).name).toBe("Dora");
  });

  it("deleting a contact removes its tag rows", async () => {
    const t = uid();
    const c = await createContact({ tags: [`x${t}`, `y${t}`] });
    expect(await tagRows(c.id)).toHaveLength(2);
    const res = await api(`/api/contacts/${c.id}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await tagRows(c.id)).toEqual([]);
    expect((await api(`/api/contacts/${c.id}`)).status).toBe(404);
    expect((await api(`/api/contacts/${c.id}`, { method: "DELETE" })).status).toBe(404);
  });
});

describe("tags on one contact", () => {
  it("adds (normalised, idempotent) and removes a tag", async () => {
    const t = uid();
    const c = await createContact();
    const add = await api(`/api/contacts/${c.id}/tags`, { method: "POST", json: { tag: `  VIP-${t} ` } });
    expect(add.status).toBe(200);
    expect((await jsonOf<Contact>(add)).tags).toEqual([`vip-${t}`]);
    const again = await api(`/api/contacts/${c.id}/tags`, { method: "POST", json: { tag: `vip-${t}` } });
    expect((await jsonOf<Contact>(again)).tags).toEqual([`vip-${t}`]);
    expect(await tagRows(c.id)).toEqual([`vip-${t}`]);
    const del = await api(`/api/contacts/${c.id}/tags/VIP-${t}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect((await jsonOf<Contact>(del)).tags).toEqual([]);
    expect(await tagRows(c.id)).toEqual([]);
  });

  it("validates the tag and bounds the count per contact", async () => {
    const c = await createContact({ tags: Array.from({ length: 50 }, (_, i) => `t${i}`) });
    const bad = await api(`/api/contacts/${c.id}/tags`, { method: "POST", json: { tag: "" } });
    expect(bad.status).toBe(400);
    const full = await api(`/api/contacts/${c.id}/tags`, { method: "POST", json: { tag: "one-more" } });
    expect(full.status).toBe(422);
    expect(await tagRows(c.id)).toHaveLength(50);
    const missing = await api(`/api/contacts/ct_${"1".repeat(20)}/tags`, { method: "POST", json: { tag: "x" } });
    expect(missing.status).toBe(404);
  });
});

describe("llm_context", () => {
  const base = { profile: { lang: "pt", prefs: { channel: "wa" } }, orders: [1, 2], score: 3 };
  const patch = { profile: { prefs: { time: "evening" }, lang: "en" }, orders: [3], score: 5, note: "new" };

  it("append deep-merges: objects recurse, arrays concatenate, scalars from the new JSON win", async () => {
    const c = await createContact({ llm_context: base });
    const res = await api(`/api/contacts/${c.id}/llm-context`, { method: "POST", json: patch });
    expect(res.status).toBe(200);
    expect((await jsonOf<Contact>(res)).llm_context).toEqual({
      profile: { lang: "en", prefs: { channel: "wa", time: "evening" } },
      orders: [1, 2, 3],
      score: 5,
      note: "new",
    });
  });

  it("replace swaps the whole object", async () => {
    const c = await createContact({ llm_context: base });
    const res = await api(`/api/contacts/${c.id}/llm-context`, { method: "PUT", json: patch });
    expect((await jsonOf<Contact>(res)).llm_context).toEqual(patch);
  });

  it("requires a JSON object of bounded size", async () => {
    const c = await createContact();
    for (const json of [[1], "text", 5]) {
      const res = await api(`/api/contacts/${c.id}/llm-context`, { method: "PUT", json });
      expect(res.status).toBe(400);
    }
    const big = await api(`/api/contacts/${c.id}/llm-context`, { method: "POST", json: { blob: "x".repeat(40_000) } });
    expect(big.status).toBe(400);
    expect((await jsonOf<Contact>(await api(`/api/contacts/${c.id}`))).llm_context).toEqual({});
  });
});

// Hostile API bodies: generated malformed and wrongly typed JSON for every writing route.
// Never a 5xx; every rejection is the documented error shape; text is stored verbatim.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { api, jsonOf, uid } from "../helpers";
import { installSimulator } from "../simulator-harness";

const { restore } = installSimulator();
afterAll(restore);

const RUNS = 120;
const NASTY = [
  "'; DROP TABLE contacts; --",
  '" OR 1=1 --',
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "{{constructor.constructor('return 1')()}}",
  "\u0000\u202e\ud83d\ude00",
  "%00%27",
  "../../etc/passwd",
];

type ErrorJson = { error?: { code?: string; message?: string } };

async function expectHandled(res: Response, what: string) {
  expect(res.status, what).toBeLessThan(500);
  const text = await res.text();
  if (res.status >= 400) {
    const body = JSON.parse(text) as ErrorJson;
    expect(typeof body.error?.code, what).toBe("string");
    expect(typeof body.error?.message, what).toBe("string");
  }
}

const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(
    fc.constantFrom(
      "name",
      "whatsapp_number",
      "number",
      "tags",
      "tag",
      "ids",
      "action",
      "match",
      "description",
      "country",
      "url",
      "opted_out",
      "llm_context",
      "filter",
      "token",
    ),
    fc.jsonValue({ maxDepth: 2 }),
  ),
);

describe("hostile API bodies", () => {
  it("writing routes never answer 5xx to arbitrary JSON", { timeout: 120_000 }, async () => {
    const created = await jsonOf<{ id: string }>(
      await api("/api/contacts", { method: "POST", json: { whatsapp_number: `+1415555${Math.floor(1000 + Math.random() * 8999)}` } }),
    );
    const inst = await jsonOf<{ id: string }>(await api("/api/instances", { method: "POST", json: { name: `h-${uid()}`, number: "+14155550100" } }));
    const conv = await jsonOf<{ id: string }>(await api("/api/conversations", { method: "POST", json: { contact_id: created.id, instance_id: inst.id } }));
    const agent = await jsonOf<{ id: string }>(
      await api("/api/agents", { method: "POST", json: { name: "h", system_context: "x", assigned_tags: ["h"], instance_id: inst.id } }),
    );
    const wf = await jsonOf<{ id: string }>(
      await api("/api/workflows", {
        method: "POST",
        json: { name: `h-${uid()}`, trigger_keywords: ["h"], menu_structure: { start: "a", steps: { a: { prompt: "p", end: {} } } } },
      }),
    );
    const camp = await jsonOf<{ id: string }>(
      await api("/api/campaigns", { method: "POST", json: { name: "h", target_tags: ["h"], instance_id: inst.id, message: { content: "hi {{name}}" } } }),
    );
    for (const [what, v] of Object.entries({ conv, agent, wf, camp })) expect(v.id, what).toBeTruthy();
    const routes: [string, string][] = [
      ["POST", "/api/conversations"],
      ["POST", `/api/conversations/${conv.id}/messages`],
      ["POST", `/api/conversations/${conv.id}/agent`],
      ["POST", "/api/campaigns"],
      ["POST", "/api/campaigns/audience"],
      ["POST", "/api/agents"],
      ["PATCH", `/api/agents/${agent.id}`],
      ["POST", "/api/workflows"],
      ["PATCH", `/api/workflows/${wf.id}`],
      ["POST", "/api/contacts"],
      ["PATCH", `/api/contacts/${created.id}`],
      ["POST", `/api/contacts/${created.id}/tags`],
      ["POST", `/api/contacts/${created.id}/llm-context`],
      ["PUT", `/api/contacts/${created.id}/llm-context`],
      ["POST", "/api/contacts/search-by-tags"],
      ["POST", "/api/contacts/bulk"],
      ["POST", "/api/instances"],
      ["PATCH", `/api/instances/${inst.id}/webhook`],
      ["POST", "/api/session"],
    ];
    for (const [method, path] of routes) {
      await fc.assert(
        fc.asyncProperty(body, async (json) => expectHandled(await api(path, { method, json }), `${method} ${path} ${JSON.stringify(json).slice(0, 200)}`)),
        { numRuns: RUNS },
      );
    }
  });

  it("non-JSON and garbled bodies get 400, not 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 200 }),
        fc.constantFrom("/api/contacts", "/api/instances", "/api/contacts/bulk", "/api/campaigns", "/api/agents", "/api/workflows", "/api/conversations"),
        async (raw, path) => {
          const res = await api(path, { method: "POST", body: raw, headers: { "content-type": "application/json" } });
          await expectHandled(res, `${path} ${raw}`);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("SQL-ish and HTML strings are stored and returned verbatim", async () => {
    for (const s of NASTY) {
      const res = await api("/api/contacts", {
        method: "POST",
        json: { whatsapp_number: `+1415556${Math.floor(1000 + Math.random() * 8999)}`, name: s, description: s },
      });
      expect(res.status, s).toBe(201);
      const c = await jsonOf<{ id: string; name: string; description: string }>(res);
      const back = await jsonOf<{ name: string; description: string }>(await api(`/api/contacts/${c.id}`));
      expect(back.name).toBe(s.trim() || back.name);
      expect(back.description).toBe(s);
    }
    // The table is still there.
    expect((await api("/api/contacts?limit=1")).status).toBe(200);
  });

  it("bad query strings and path params are 400/404, not 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), async (s) => {
        const q = encodeURIComponent(s);
        for (const path of [
          `/api/contacts?cursor=${q}`,
          `/api/contacts?limit=${q}`,
          `/api/contacts?tags=${q}&match=${q}`,
          `/api/contacts/${q || "x"}`,
          `/api/instances/${q || "x"}`,
          `/api/tags?x=${q}`,
          `/api/conversations?cursor=${q}&q=${q}`,
          `/api/conversations/${q || "x"}/messages?before=${q}`,
          `/api/campaigns/${q || "x"}/recipients?status=${q}`,
          `/api/agents/${q || "x"}`,
          `/api/workflows/${q || "x"}`,
        ])
          await expectHandled(await api(path), path);
      }),
      { numRuns: 60 },
    );
  });
});

describe("deeply nested llm_context", () => {
  // 8,000 levels of arrays: 16 KB, inside the body limit and the 32 KB context cap alike.
  const deep = `{"x":${"[".repeat(8000)}1${"]".repeat(8000)}}`;
  const send = (path: string, method: string, raw: string) => api(path, { method, body: raw, headers: { "content-type": "application/json" } });
  const phone = () => `+1415559${Math.floor(1000 + Math.random() * 8999)}`;
  type Details = { error: { code: string; message: string; details: { path: string; message: string }[] } };

  async function expectTooDeep(res: Response, path: string) {
    expect(res.status).toBe(400);
    const { error } = await jsonOf<Details>(res);
    expect(error.code).toBe("validation_failed");
    // The first level past the bound: the object is level 1, "x" 2, then 31 arrays more.
    expect(error.details[0]).toEqual({ path, message: "llm_context must nest at most 32 levels" });
    expect(error.message).toContain(path);
  }

  it("8,000 levels are a 400 naming where, on create, patch and both llm-context routes; nothing is stored and the list keeps working", async () => {
    const at = `x${".0".repeat(31)}`;
    const number = phone();
    await expectTooDeep(await send("/api/contacts", "POST", `{"whatsapp_number":"${number}","llm_context":${deep}}`), `llm_context.${at}`);
    expect((await jsonOf<{ count: number }>(await api(`/api/contacts?number=${encodeURIComponent(number)}`))).count).toBe(0);
    // Objects too, though 8,000 levels of them are over the byte cap: depth is what is reported.
    const objects = `{"whatsapp_number":"${number}","llm_context":${'{"a":'.repeat(8000)}1${"}".repeat(8000)}}`;
    await expectTooDeep(await send("/api/contacts", "POST", objects), `llm_context${".a".repeat(32)}`);

    const c = await jsonOf<{ id: string }>(await api("/api/contacts", { method: "POST", json: { whatsapp_number: number, llm_context: { kept: 1 } } }));
    await expectTooDeep(await send(`/api/contacts/${c.id}`, "PATCH", `{"llm_context":${deep}}`), `llm_context.${at}`);
    await expectTooDeep(await send(`/api/contacts/${c.id}/llm-context`, "POST", deep), at);
    await expectTooDeep(await send(`/api/contacts/${c.id}/llm-context`, "PUT", deep), at);
    expect((await jsonOf<{ llm_context: unknown }>(await api(`/api/contacts/${c.id}`))).llm_context).toEqual({ kept: 1 });

    const list = await api("/api/contacts?limit=200");
    expect(list.status).toBe(200);
    expect((await jsonOf<{ items: { id: string }[] }>(list)).items.some((i) => i.id === c.id)).toBe(true);
  });

  it("32 levels are accepted and returned whole; 33 are not", async () => {
    const levels = (n: number) => `{"x":${"[".repeat(n - 1)}1${"]".repeat(n - 1)}}`;
    const res = await send("/api/contacts", "POST", `{"whatsapp_number":"${phone()}","llm_context":${levels(32)}}`);
    expect(res.status).toBe(201);
    expect(JSON.stringify((await jsonOf<{ llm_context: unknown }>(res)).llm_context)).toBe(levels(32));
    await expectTooDeep(await send("/api/contacts", "POST", `{"whatsapp_number":"${phone()}","llm_context":${levels(33)}}`), `llm_context.x${".0".repeat(31)}`);
  });
});

// Route × role (issue 17, acceptance 1): every registered /api route, four principals — none,
// an agent, an admin, the owner — against the one matrix in worker/team/access.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../app";
import { ACCESS, needOf, ruleFor } from "../../team/access";
import { api, jsonOf } from "../helpers";
import { person } from "./people";

function registeredApiRoutes(): [string, string, string][] {
  const seen = new Map<string, [string, string, string]>();
  for (const r of app.routes) {
    if (!r.path.startsWith("/api") || r.method === "ALL") continue;
    const concrete = r.path.replace(/:(\w+)(\{[^}]*\})?/g, "x_$1").replace(/\*$/, "anything");
    seen.set(`${r.method} ${r.path}`, [r.method, r.path, concrete]);
  }
  return [...seen.values()];
}

// Routes that end the caller's own session: walked last, separately.
const ENDS_SESSION = new Set(["DELETE /api/session", "POST /api/me/sessions/revoke-all"]);
const bodyFor = (method: string) => (["GET", "HEAD", "DELETE"].includes(method) ? undefined : {});

describe("the role matrix covers every route", () => {
  const routes = registeredApiRoutes();

  it("lists every registered route, and nothing that is not registered", () => {
    expect(routes.length).toBeGreaterThan(60);
    const missing = routes.filter(([m, p]) => !ACCESS.some(([am, ap]) => am === m && ap === p.replace(/\{[^}]*\}/g, "")));
    expect(missing.map(([m, p]) => `${m} ${p}`)).toEqual([]);
    const stale = ACCESS.filter(([am, ap]) => !routes.some(([m, p]) => m === am && p.replace(/\{[^}]*\}/g, "") === ap));
    expect(stale).toEqual([]);
  });

  it("resolves a concrete path to its own rule (literal segments before parameters)", () => {
    expect(ruleFor("GET", "/api/contacts/search")?.pattern).toBe("/api/contacts/search");
    expect(ruleFor("GET", "/api/contacts/ct_1")?.pattern).toBe("/api/contacts/:id");
    expect(needOf("GET", "/api/not-a-route")).toBe("admin");
  });
});

describe("route × role", () => {
  const routes = registeredApiRoutes();
  let agent: Awaited<ReturnType<typeof person>>;
  let adminKey: string;

  beforeAll(async () => {
    agent = await person("agent");
    const admin = await person("admin");
    const key = await admin.call("/api/api-keys", { method: "POST", json: { name: "matrix" } });
    adminKey = (await jsonOf<{ key: string }>(key)).key;
  });

  const as = {
    none: (m: string, p: string) => api(p, { method: m, auth: false, json: bodyFor(m) }),
    agent: (m: string, p: string) => agent.call(p, { method: m, json: bodyFor(m) }),
    admin: (m: string, p: string) => api(p, { method: m, auth: false, json: bodyFor(m), headers: { authorization: `Bearer ${adminKey}` } }),
    owner: (m: string, p: string) => api(p, { method: m, json: bodyFor(m) }),
  };

  for (const who of ["none", "agent", "admin", "owner"] as const) {
    it(`${who}: exactly what the matrix allows`, async () => {
      const wrong: string[] = [];
      for (const [method, pattern, path] of routes) {
        if (ENDS_SESSION.has(`${method} ${pattern}`)) continue;
        const need = needOf(method, path);
        const res = await as[who](method, path);
        const allowed = need === "public" || (who !== "none" && (who === "owner" || who === "admin" || need === "agent"));
        const expected = allowed ? "passes" : who === "none" ? 401 : 403;
        const got = res.status === 401 || res.status === 403 ? res.status : "passes";
        if (got !== expected) wrong.push(`${method} ${path}: want ${expected}, got ${res.status}`);
        if (!allowed && method !== "HEAD") {
          const code = (await jsonOf<{ error: { code: string } }>(res)).error.code;
          if (code !== (who === "none" ? "unauthorized" : "forbidden")) wrong.push(`${method} ${path}: code ${code}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }

  it("an agent's own sign-out routes work, and end the session", async () => {
    const a = await person("agent");
    expect((await a.call("/api/me/sessions/revoke-all", { method: "POST" })).status).toBe(200);
    expect((await a.call("/api/me")).status).toBe(401);
    const b = await person("agent");
    expect((await b.call("/api/session", { method: "DELETE" })).status).toBe(200);
    expect((await b.call("/api/me")).status).toBe(401);
  });
});

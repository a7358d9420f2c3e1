import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../app";
import { needOf } from "../../team/access";

const isPublicApiRoute = (method: string, path: string) => needOf(method, path) === "public";

import { api, jsonOf } from "../helpers";

// Every /api route the app registers, with params filled in: a route added later is covered
// without anyone remembering to add it here.
function registeredApiRoutes() {
  const seen = new Set<string>();
  for (const r of app.routes) {
    if (!r.path.startsWith("/api") || r.method === "ALL") continue;
    const path = r.path.replace(/:(\w+)(\{[^}]*\})?/g, "x_$1").replace(/\*$/, "anything");
    seen.add(`${r.method} ${path}`);
  }
  return [...seen].map((s) => s.split(" ") as [string, string]);
}

describe("auth on every /api route", () => {
  const routes = registeredApiRoutes();

  it("finds the registered routes", () => {
    expect(routes.length).toBeGreaterThan(2);
  });

  it("answers 401 JSON without credentials, except the session route", async () => {
    for (const [method, path] of routes) {
      if (isPublicApiRoute(method, path)) continue;
      const res = await api(path, { method, auth: false, json: ["GET", "HEAD"].includes(method) ? undefined : {} });
      expect(res.status, `${method} ${path}`).toBe(401);
      if (method !== "HEAD") expect((await jsonOf<{ error: { code: string } }>(res)).error.code).toBe("unauthorized");
    }
  });

  it("answers 401 for a wrong bearer token and a forged cookie", async () => {
    // Each from its own client: failed attempts are throttled per client (tested below).
    let n = 0;
    for (const [method, path] of routes) {
      if (isPublicApiRoute(method, path)) continue;
      const ip = `10.200.${Math.floor(n / 250)}.${n++ % 250}`;
      const wrong = await api(path, { method, auth: false, headers: { authorization: "Bearer nope-nope-nope-nope", "cf-connecting-ip": ip } });
      expect(wrong.status, `${method} ${path}`).toBe(401);
      const forged = await api(path, {
        method,
        auth: false,
        headers: { cookie: `parley_session=${"A".repeat(43)}`, "cf-connecting-ip": ip },
      });
      expect(forged.status, `${method} ${path}`).toBe(401);
    }
  });

  it("lets the bearer token through", async () => {
    for (const [method, path] of routes) {
      if (isPublicApiRoute(method, path) || path === "/api/realtime") continue;
      const res = await api(path, { method, json: ["GET", "HEAD", "DELETE"].includes(method) ? undefined : {} });
      expect(res.status, `${method} ${path}`).not.toBe(401);
    }
  });
});

describe("session sign-in", () => {
  it("rejects a wrong token with 401 and sets no cookie", async () => {
    const res = await api("/api/session", { method: "POST", auth: false, json: { token: "wrong-token-value" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("validates the body", async () => {
    const res = await api("/api/session", { method: "POST", auth: false, json: { tokn: 1 } });
    expect(res.status).toBe(400);
    const body = await jsonOf<{ error: { code: string; details: { path: string }[] } }>(res);
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.details[0]?.path).toBe("token");
  });

  it("exchanges the token for an HttpOnly, SameSite=Strict, expiring cookie that authenticates", async () => {
    const res = await api("/api/session", {
      method: "POST",
      auth: false,
      json: { token: env.ADMIN_TOKEN },
      headers: { "cf-connecting-ip": "10.9.9.9" },
    });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/parley_session=[\w]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Expires=/);
    const value = /parley_session=([^;]+)/.exec(cookie)?.[1];
    const me = await api("/api/session", { auth: false, headers: { cookie: `parley_session=${value}` } });
    expect(me.status).toBe(200);
    expect((await jsonOf(me)).authenticated).toBe(true);
    // A tampered token is refused.
    const tampered = value!.replace(/.$/, (ch) => (ch === "A" ? "B" : "A"));
    const bad = await api("/api/session", { auth: false, headers: { cookie: `parley_session=${tampered}` } });
    expect(bad.status).toBe(401);
  });

  it("rate-limits sign-in attempts per client", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const res = await api("/api/session", {
        method: "POST",
        auth: false,
        json: { token: "guess-guess-guess" },
        headers: { "cf-connecting-ip": "10.1.2.3" },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("errors and health", () => {
  it("GET /healthz is public and 200", async () => {
    const res = await api("/healthz", { auth: false });
    expect(res.status).toBe(200);
    expect((await jsonOf(res)).ok).toBe(true);
  });

  it("unknown routes answer the error shape", async () => {
    const res = await api("/api/nope");
    expect(res.status).toBe(404);
    expect((await jsonOf<{ error: { code: string } }>(res)).error.code).toBe("not_found");
  });

  it("oversized bodies answer 413", async () => {
    const res = await api("/api/session", { method: "POST", auth: false, json: { token: "x".repeat(400_000) } });
    expect(res.status).toBe(413);
    expect((await jsonOf<{ error: { code: string } }>(res)).error.code).toBe("payload_too_large");
  });
});

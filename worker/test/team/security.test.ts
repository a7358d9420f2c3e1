// Issue 17 §3: what an attacker on a sibling origin, or a guesser, tried — refused.
import { describe, expect, it } from "vitest";
import { api, BASE, jsonOf } from "../helpers";
import { asCookie, cookieOf, invite, PASSWORD, socketAs } from "./fixtures";

const EVIL = "http://evil.parley.test";
const codeOf = async (res: Response) => (await jsonOf<{ error: { code: string } }>(res)).error.code;

describe("cross-origin requests with a cookie", () => {
  it("a state change from another origin is refused and changes nothing", async () => {
    const admin = await invite({ role: "admin" });
    const before = await jsonOf<{ items: unknown[] }>(await api("/api/contacts?limit=200"));
    const res = await admin.call("/api/contacts", { method: "POST", json: { name: "Planted", whatsapp_number: "+5511912340001" }, headers: { origin: EVIL } });
    expect(res.status).toBe(403);
    expect(await codeOf(res)).toBe("cross_origin");
    const after = await jsonOf<{ items: unknown[] }>(await api("/api/contacts?limit=200"));
    expect(after.items.length).toBe(before.items.length);
  });

  it("a form-style text/plain POST (the contact-import attack) is refused, and a CSV upload from a sibling site too", async () => {
    const admin = await invite({ role: "admin" });
    const csv = "name,whatsapp_number\nPlanted,+5511912340002";
    // What a <form enctype="text/plain"> on a sibling origin sends: not a body type we take.
    const form = await admin.call("/api/contacts/import", { method: "POST", body: csv, headers: { origin: EVIL, "content-type": "text/plain" } });
    expect(form.status).toBe(415);
    // A real CSV upload, from another origin, or with no Origin but a cross-site fetch mark.
    const crossOrigin = await admin.call("/api/contacts/import", { method: "POST", body: csv, headers: { origin: EVIL, "content-type": "text/csv" } });
    expect(crossOrigin.status).toBe(403);
    const crossSite = await api("/api/contacts/import", {
      method: "POST",
      auth: false,
      body: csv,
      headers: { cookie: `parley_session=${admin.cookie}`, "sec-fetch-site": "same-site", "content-type": "text/csv" },
    });
    expect(crossSite.status).toBe(403);
    const search = await jsonOf<{ items: unknown[] }>(await api("/api/contacts/search?name=Planted"));
    expect(search.items).toEqual([]);
  });

  it("the same request from our own origin goes through", async () => {
    const admin = await invite({ role: "admin" });
    const res = await admin.call("/api/contacts", { method: "POST", json: { name: "Real", whatsapp_number: "+5511912340003" } });
    expect(res.status).toBe(201);
  });

  it("a cross-origin WebSocket upgrade is refused; a same-origin one opens", async () => {
    const agent = await invite({ role: "agent" });
    const evil = await socketAs(agent.cookie, EVIL);
    expect(evil.status).toBe(403);
    expect(evil.ws).toBeFalsy();
    const ok = await socketAs(agent.cookie, BASE);
    expect(ok.status).toBe(101);
    ok.ws?.close();
  });

  it("the admin token as a bearer needs no Origin (API clients)", async () => {
    const res = await api("/api/contacts", { method: "POST", json: { name: "Bearer", whatsapp_number: "+5511912340004" }, headers: { origin: EVIL } });
    expect(res.status).toBe(201);
  });
});

describe("credential guessing is throttled on every path", () => {
  it("bearer guesses get 429 after the limit, and then even the right token waits", async () => {
    const headers = (auth: string) => ({ authorization: auth, "cf-connecting-ip": "10.66.0.1" });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await api("/api/contacts", { auth: false, headers: headers(`Bearer guess-${i}-xxxxxxxxxxxx`) })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const { ADMIN } = await import("../helpers");
    expect((await api("/api/contacts", { auth: false, headers: headers(`Bearer ${ADMIN}`) })).status).toBe(429);
    // Another client is not affected.
    expect((await api("/api/contacts", { auth: false, headers: { authorization: `Bearer ${ADMIN}`, "cf-connecting-ip": "10.66.0.2" } })).status).toBe(200);
  });

  it("forged cookies and wrong passwords count too", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await api("/api/me", { auth: false, headers: { cookie: `parley_session=forged${i}`, "cf-connecting-ip": "10.66.1.1" } })).status);
    for (let i = 0; i < 6; i++) {
      const res = await api("/api/session", {
        method: "POST",
        auth: false,
        json: { email: "nobody@example.test", password: `x${i}` },
        headers: { "cf-connecting-ip": "10.66.1.1" },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 6).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });
});

describe("sessions end when they should", () => {
  it("a signed-out cookie is 401 at once", async () => {
    const agent = await invite({ role: "agent" });
    expect((await agent.call("/api/me")).status).toBe(200);
    expect((await agent.call("/api/session", { method: "DELETE" })).status).toBe(200);
    const res = await agent.call("/api/me");
    expect(res.status).toBe(401);
    // The dead cookie is cleared with its 401: a browser stops sending it.
    expect(res.headers.get("set-cookie")).toMatch(/parley_session=;.*Max-Age=0/i);
  });

  it("disabling a user ends their sessions and stops their API keys", async () => {
    const admin = await invite({ role: "admin" });
    const key = (await jsonOf<{ key: string }>(await admin.call("/api/api-keys", { method: "POST", json: { name: "k" } }))).key;
    expect((await api("/api/me", { auth: false, headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    expect((await api(`/api/users/${admin.id}`, { method: "PATCH", json: { disabled: true } })).status).toBe(200);
    expect((await admin.call("/api/me")).status).toBe(401);
    expect((await api("/api/me", { auth: false, headers: { authorization: `Bearer ${key}`, "cf-connecting-ip": "10.66.2.1" } })).status).toBe(401);
    const signIn = await api("/api/session", {
      method: "POST",
      auth: false,
      json: { email: admin.email, password: PASSWORD },
      headers: { "cf-connecting-ip": "10.66.2.2" },
    });
    expect(signIn.status).toBe(401);
  });

  it("a password change ends the other sessions, keeps this one", async () => {
    const agent = await invite({ role: "agent" });
    const other = await api("/api/session", {
      method: "POST",
      auth: false,
      json: { email: agent.email, password: PASSWORD },
      headers: { "cf-connecting-ip": "10.66.3.1" },
    });
    const otherCall = asCookie(cookieOf(other));
    expect((await otherCall("/api/me")).status).toBe(200);
    const change = await agent.call("/api/me/password", { method: "POST", json: { current_password: PASSWORD, new_password: "another long password" } });
    expect(await jsonOf(change)).toEqual({ changed: true, sessions_ended: 1 });
    expect((await otherCall("/api/me")).status).toBe(401);
    expect((await agent.call("/api/me")).status).toBe(200);
  });

  it("a revoked API key is 401", async () => {
    const admin = await invite({ role: "admin" });
    const made = await jsonOf<{ id: string; key: string }>(await admin.call("/api/api-keys", { method: "POST", json: { name: "k" } }));
    const listed = await jsonOf<{ items: { id: string; prefix: string }[] }>(await admin.call("/api/api-keys"));
    expect(listed.items.map((k) => k.id)).toEqual([made.id]);
    expect(JSON.stringify(listed)).not.toContain(made.key);
    expect((await admin.call(`/api/api-keys/${made.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await api("/api/me", { auth: false, headers: { authorization: `Bearer ${made.key}`, "cf-connecting-ip": "10.66.4.1" } })).status).toBe(401);
  });
});

describe("security headers on the Worker's responses", () => {
  it("nosniff, no framing, same-origin referrer", async () => {
    const res = await api("/api/me");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });
});

// Issue 17 acceptance 2 (API side): an agent of unit A never sees unit B's numbers,
// conversations or messages; owners and admins see everything. Units and people via the API.
import { afterAll, describe, expect, it } from "vitest";
import type { ConversationView } from "../../shared/inbox";
import { api, jsonOf, seedInstance } from "../helpers";
import { keyId, messageByExternal, phone, send, upsert } from "../inbox/fixtures";
import { installSimulator } from "../simulator-harness";
import { person, unit } from "./people";

const { restore } = installSimulator();
afterAll(restore);

async function inbound(inst: { id: string; name: string; secret: string }) {
  const id = keyId();
  expect((await send(inst, "messages.upsert", upsert({ from: phone(), id }))).status).toBe(200);
  return (await messageByExternal(inst.id, id)).conversation_id as string;
}

describe("units scope what an agent sees", () => {
  it("unit A's agent sees A's number, conversations and messages, and nothing of B's", async () => {
    const [a, b] = [await seedInstance({ status: "open" }), await seedInstance({ status: "open" })];
    const ana = await person("agent");
    const bia = await person("agent");
    await unit([a.id], [ana.id]);
    await unit([b.id], [bia.id]);
    const convA = await inbound(a);
    const convB = await inbound(b);

    const instances = await jsonOf<{ items: { id: string }[] }>(await ana.call("/api/instances"));
    expect(instances.items.map((i) => i.id)).toEqual([a.id]);
    expect((await ana.call(`/api/instances/${b.id}`)).status).toBe(404);

    const list = await jsonOf<{ items: ConversationView[] }>(await ana.call("/api/conversations?limit=200"));
    expect(list.items.map((c) => c.id)).toContain(convA);
    expect(list.items.map((c) => c.id)).not.toContain(convB);
    expect(list.items.every((c) => c.instance_id === a.id)).toBe(true);
    // Asking for B's instance by id, or B's conversation directly, shows nothing.
    expect((await jsonOf<{ items: unknown[] }>(await ana.call(`/api/conversations?instance_id=${b.id}`))).items).toEqual([]);
    for (const path of [`/api/conversations/${convB}`, `/api/conversations/${convB}/messages`]) expect((await ana.call(path)).status, path).toBe(404);
    const reply = await ana.call(`/api/conversations/${convB}/messages`, { method: "POST", json: { type: "text", content: "hi" } });
    expect(reply.status).toBe(404);
    expect((await ana.call(`/api/conversations/${convB}/read`, { method: "POST" })).status).toBe(404);
    // Her own unit's conversation works.
    expect((await ana.call(`/api/conversations/${convA}/messages`)).status).toBe(200);

    // The owner and an admin see both.
    const all = await jsonOf<{ items: ConversationView[] }>(await api("/api/conversations?limit=200"));
    expect(all.items.map((c) => c.id)).toEqual(expect.arrayContaining([convA, convB]));
    const admin = await person("admin");
    expect((await admin.call(`/api/conversations/${convB}`)).status).toBe(200);
  });

  it("an agent in no unit sees no number and no conversation; moving a number changes it at once", async () => {
    const inst = await seedInstance({ status: "open" });
    const conv = await inbound(inst);
    const lone = await person("agent");
    expect((await jsonOf<{ items: unknown[] }>(await lone.call("/api/instances"))).items).toEqual([]);
    expect((await lone.call(`/api/conversations/${conv}`)).status).toBe(404);
    const u = await unit([], [lone.id]);
    expect((await api(`/api/units/${u}`, { method: "PATCH", json: { instance_ids: [inst.id] } })).status).toBe(200);
    expect((await lone.call(`/api/conversations/${conv}`)).status).toBe(200);
    const units = await jsonOf<{ items: { id: string; instance_ids: string[]; member_ids: string[] }[] }>(await api("/api/units"));
    expect(units.items.find((x) => x.id === u)).toMatchObject({ instance_ids: [inst.id], member_ids: [lone.id] });
    expect((await api(`/api/units/${u}`, { method: "PATCH", json: { instance_ids: [] } })).status).toBe(200);
    expect((await lone.call(`/api/conversations/${conv}`)).status).toBe(404);
  });

  it("units validate what they link", async () => {
    const res = await api("/api/units", { method: "POST", json: { name: "Ghost", instance_ids: ["ins_nope"], member_ids: [] } });
    expect(res.status).toBe(400);
    expect((await jsonOf<{ error: { details: { path: string }[] } }>(res)).error.details[0]?.path).toBe("instance_ids");
  });
});

describe("people", () => {
  it("an invite works once; the e-mail then signs in with the password", async () => {
    const res = await api("/api/users", { method: "POST", json: { email: "Once@Example.test", name: "Once", role: "agent" } });
    expect(res.status).toBe(201);
    const { invite_url, user } = await jsonOf<{ invite_url: string; user: { email: string; invited: boolean } }>(res);
    expect(user).toMatchObject({ email: "once@example.test", invited: true });
    const token = new URL(invite_url).hash.slice("#token=".length);
    expect(await jsonOf(await api(`/api/invites/${token}`, { auth: false }))).toMatchObject({ email: "once@example.test", role: "agent" });
    const accept = () => api("/api/invites/accept", { method: "POST", auth: false, json: { token, password: "a long enough password" } });
    const first = await accept();
    expect(first.status).toBe(200);
    expect(await jsonOf(first)).toMatchObject({ authenticated: true, role: "agent", user: { email: "once@example.test" } });
    expect((await accept()).status).toBe(404);
    const signIn = await api("/api/session", { method: "POST", auth: false, json: { email: "ONCE@example.test", password: "a long enough password" } });
    expect(signIn.status).toBe(200);
    expect((await api("/api/users", { method: "POST", json: { email: "once@example.test", name: "Again", role: "agent" } })).status).toBe(409);
  });

  it("only an owner manages owners, and the last owner stays", async () => {
    const admin = await person("admin");
    expect((await admin.call("/api/users", { method: "POST", json: { email: "o2@example.test", name: "O2", role: "owner" } })).status).toBe(403);
    const owner = await person("owner");
    expect((await admin.call(`/api/users/${owner.id}`, { method: "PATCH", json: { name: "Renamed" } })).status).toBe(403);
    const others = (await jsonOf<{ items: { id: string; role: string; disabled: boolean }[] }>(await api("/api/users"))).items.filter(
      (u) => u.role === "owner" && !u.disabled && u.id !== owner.id,
    );
    for (const o of others) await api(`/api/users/${o.id}`, { method: "PATCH", json: { disabled: true } });
    const last = await owner.call(`/api/users/${owner.id}`, { method: "PATCH", json: { role: "admin" } });
    expect(last.status).toBe(409);
  });
});

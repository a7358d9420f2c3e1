// People for the team tests: invited through the API, signed in through their invite, calling
// the API with their session cookie (and the dashboard's Origin, as a browser would).
import { exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { ConversationView } from "../../shared/inbox";
import type { ServerEvent } from "../../shared/ws-events";
import { api, BASE, deliver, envelope, eventually, jsonOf, type seedInstance, uid } from "../helpers";
import { phone, upsert } from "../inbox/fixtures";

export type Person = {
  id: string;
  name: string;
  email: string;
  cookie: string;
  call: (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>;
};

export async function invite(
  o: { name?: string; role?: "owner" | "admin" | "agent"; unitIds?: string[]; capacity?: number | null; email?: string } = {},
): Promise<Person> {
  const name = o.name ?? `Agent ${uid()}`;
  const email = o.email ?? `${uid()}@parley.test`;
  const res = await api("/api/users", {
    method: "POST",
    json: { email, name, role: o.role ?? "agent", unit_ids: o.unitIds ?? [], ...(o.capacity !== undefined ? { capacity: o.capacity } : {}) },
  });
  expect(res.status).toBe(201);
  const { id, invite_url } = await jsonOf<{ id: string; invite_url: string }>(res);
  const token = /#token=([^&]+)/.exec(invite_url)?.[1];
  const accepted = await api("/api/invites/accept", { method: "POST", auth: false, json: { token, password: "correct horse battery" } });
  expect(accepted.status).toBe(200);
  const cookie = /parley_session=([^;]+)/.exec(accepted.headers.get("set-cookie") ?? "")?.[1];
  if (!cookie) throw new Error("no session cookie");
  const call = (path: string, init: RequestInit & { json?: unknown } = {}) =>
    api(path, { ...init, auth: false, headers: { cookie: `parley_session=${cookie}`, origin: BASE, ...Object.fromEntries(new Headers(init.headers)) } });
  return { id, name, email, cookie, call };
}

export async function unit(o: { instanceIds?: string[]; memberIds?: string[]; autoAssign?: boolean } = {}): Promise<{ id: string }> {
  const res = await api("/api/units", {
    method: "POST",
    json: { name: `Unit ${uid()}`, instance_ids: o.instanceIds ?? [], member_ids: o.memberIds ?? [], auto_assign: o.autoAssign ?? false },
  });
  expect(res.status).toBe(201);
  return jsonOf<{ id: string }>(res);
}

export type Inst = Awaited<ReturnType<typeof seedInstance>>;

/** A contact writes in on the instance: the conversation it opens (or continues). */
export async function inbound(inst: Inst, o: { from?: string; text?: string } = {}): Promise<ConversationView> {
  const from = o.from ?? phone();
  const res = await deliver(inst, envelope(inst.name, "messages.upsert", upsert({ from, message: { conversation: o.text ?? "Oi, tudo bem?" } })));
  expect(res.status).toBeLessThan(300);
  return eventually(async () => {
    const list = await jsonOf<{ items: ConversationView[] }>(await api(`/api/conversations?instance_id=${inst.id}&limit=100`));
    return list.items.find((c) => c.contact_number.replace(/\D/g, "") === from) ?? null;
  });
}

/** A dashboard socket open as this person (what makes them "online"), collecting its frames. */
export async function openDashboard(p: Person): Promise<{ frames: ServerEvent[]; close: () => void }> {
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/realtime`, { headers: { upgrade: "websocket", cookie: `parley_session=${p.cookie}`, origin: BASE } }),
  );
  expect(res.status).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error("no socket");
  const frames: ServerEvent[] = [];
  ws.addEventListener("message", (e) => frames.push(JSON.parse(String(e.data)) as ServerEvent));
  ws.accept();
  await eventually(async () => frames.some((f) => f.type === "snapshot"));
  return { frames, close: () => ws.close() };
}

export const conversationOf = async (id: string) => jsonOf<ConversationView>(await api(`/api/conversations/${id}`));

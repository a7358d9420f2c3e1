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

export const PASSWORD = "correct horse battery";

/** The session token a sign-in response sets (the `parley_session` cookie's value). */
export function cookieOf(res: Response): string {
  const m = /parley_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "");
  if (!m?.[1]) throw new Error(`no session cookie (status ${res.status})`);
  return m[1];
}

/** Requests as the holder of this session token, from the dashboard's origin (as a browser sends them). */
export function asCookie(cookie: string) {
  return (path: string, init: RequestInit & { json?: unknown } = {}) =>
    api(path, { ...init, auth: false, headers: { cookie: `parley_session=${cookie}`, origin: BASE, ...Object.fromEntries(new Headers(init.headers)) } });
}

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
  const accepted = await api("/api/invites/accept", { method: "POST", auth: false, json: { token, password: PASSWORD } });
  expect(accepted.status).toBe(200);
  const cookie = cookieOf(accepted);
  return { id, name, email, cookie, call: asCookie(cookie) };
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

/** Tries to open the realtime socket with this session token from an origin; what came back. */
export async function socketAs(cookie: string, origin = BASE) {
  const res = await exports.default.fetch(
    new Request(`${BASE}/api/realtime`, { headers: { upgrade: "websocket", cookie: `parley_session=${cookie}`, origin } }),
  );
  res.webSocket?.accept();
  return { status: res.status, ws: res.webSocket };
}

export const conversationOf = async (id: string) => jsonOf<ConversationView>(await api(`/api/conversations/${id}`));

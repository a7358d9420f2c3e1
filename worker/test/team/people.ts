// Team members for tests: invited through the API, signed in with a password, and their
// requests (cookie-authenticated, from the dashboard's own origin).
import { env, exports } from "cloudflare:workers";
import { api, BASE, jsonOf, uid } from "../helpers";

export type Person = {
  id: string;
  email: string;
  name: string;
  cookie: string;
  call: (path: string, init?: RequestInit & { json?: unknown }) => Promise<Response>;
};

export const PASSWORD = "correct horse battery";

/** The session cookie a sign-in response sets (`parley_session=<token>`). */
export function cookieOf(res: Response): string {
  const m = /parley_session=([^;]+)/.exec(res.headers.get("set-cookie") ?? "");
  if (!m) throw new Error(`no session cookie (status ${res.status})`);
  return `parley_session=${m[1]}`;
}

/** Requests as someone holding this cookie, from the dashboard's origin. */
export function asCookie(cookie: string) {
  return (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("cookie", cookie);
    if (!headers.has("origin")) headers.set("origin", BASE);
    return api(path, { ...init, auth: false, headers });
  };
}

/** Invites a person (as the admin token), accepts the invite, returns their signed-in handle. */
export async function person(role: "owner" | "admin" | "agent", unitIds: string[] = [], name = `${role} ${uid()}`): Promise<Person> {
  const email = `${name.replace(/\W+/g, ".").toLowerCase()}@example.test`;
  const res = await api("/api/users", { method: "POST", json: { email, name, role, unit_ids: unitIds } });
  if (res.status !== 201) throw new Error(`invite: ${res.status} ${await res.text()}`);
  const { id, invite_url } = await jsonOf<{ id: string; invite_url: string }>(res);
  const token = new URL(invite_url).hash.replace("#token=", "");
  const accepted = await api("/api/invites/accept", { method: "POST", auth: false, json: { token, password: PASSWORD } });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${await accepted.text()}`);
  const cookie = cookieOf(accepted);
  return { id, email, name, cookie, call: asCookie(cookie) };
}

/** A unit (as the admin token) holding these instances and members. */
export async function unit(instanceIds: string[], memberIds: string[] = [], extra: Record<string, unknown> = {}): Promise<string> {
  const res = await api("/api/units", { method: "POST", json: { name: `unit ${uid()}`, instance_ids: instanceIds, member_ids: memberIds, ...extra } });
  if (res.status !== 201) throw new Error(`unit: ${res.status} ${await res.text()}`);
  return (await jsonOf<{ id: string }>(res)).id;
}

/** Opens the realtime socket as this cookie's holder; collects the frames it gets. */
export async function socketAs(cookie: string, origin = BASE) {
  const res = await exports.default.fetch(new Request(`${BASE}/api/realtime`, { headers: { upgrade: "websocket", cookie, origin } }));
  const ws = res.webSocket;
  if (!ws) return { status: res.status, frames: [] as unknown[], ws: null };
  ws.accept();
  const frames: unknown[] = [];
  ws.addEventListener("message", (e) => frames.push(JSON.parse(String(e.data))));
  return { status: res.status, frames, ws };
}

export { env };

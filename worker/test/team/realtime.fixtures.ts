// Realtime team tests: people made through the API (invite → accept → session cookie) and dashboard
// sockets opened as them.
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { PresenceEvent, PresencePerson, ServerEvent } from "../../shared/ws-events";
import { api, BASE, eventually, jsonOf, uid } from "../helpers";

export const ORIGIN = BASE;

export async function createUnit(instanceIds: string[]): Promise<string> {
  const res = await api("/api/units", { method: "POST", json: { name: `unit-${uid()}`, instance_ids: instanceIds } });
  expect(res.status).toBe(201);
  return (await jsonOf<{ id: string }>(res)).id;
}

/** Invites a person, accepts the invite with a password, and returns their id and session cookie. */
export async function signedInUser(name: string, role: "agent" | "admin", unitIds: string[]): Promise<{ id: string; cookie: string }> {
  const res = await api("/api/users", { method: "POST", json: { email: `${name.toLowerCase()}-${uid()}@example.test`, name, role, unit_ids: unitIds } });
  expect(res.status).toBe(201);
  const { id, invite_url } = await jsonOf<{ id: string; invite_url: string }>(res);
  const token = /#token=([^&]+)/.exec(invite_url)?.[1];
  const accepted = await api("/api/invites/accept", { auth: false, method: "POST", json: { token, password: "correct horse battery" } });
  expect(accepted.status).toBe(200);
  const cookie = /parley_session=([^;]+)/.exec(accepted.headers.get("set-cookie") ?? "")?.[1];
  if (!cookie) throw new Error("no session cookie");
  return { id, cookie: `parley_session=${cookie}` };
}

export type Socket = {
  ws: WebSocket;
  frames: ServerEvent[];
  closed: { code: number; reason: string } | null;
  /** Waits for a frame matching `pred`, among those from index `from` on, and returns it. */
  next(pred: (f: ServerEvent) => boolean, from?: number, timeoutMs?: number): Promise<ServerEvent>;
  /** The first `presence` frame from index `from` on whose entry for `userId` satisfies `pred`. */
  presence(userId: string | null, pred: (p: PresencePerson | undefined) => boolean, from?: number, timeoutMs?: number): Promise<PresenceEvent>;
  /** Every frame sent to this socket before now has arrived (a ping answered after them). */
  drained(): Promise<void>;
  send(frame: unknown): void;
};

/** Opens /api/realtime with a session cookie (same Origin, as auth.ts requires) or the admin token. */
export async function openSocket(as: { cookie: string } | "admin"): Promise<Socket> {
  const headers: Record<string, string> = as === "admin" ? { authorization: `Bearer ${env.ADMIN_TOKEN}` } : { cookie: as.cookie, origin: ORIGIN };
  const res = await exports.default.fetch(new Request(`${BASE}/api/realtime`, { headers: { Upgrade: "websocket", ...headers } }));
  expect(res.status).toBe(101);
  const ws = res.webSocket;
  if (!ws) throw new Error("no socket");
  const s: Socket = {
    ws,
    frames: [],
    closed: null,
    next: (pred, from = 0, timeoutMs) => eventually(async () => s.frames.slice(from).find(pred), timeoutMs),
    presence: (userId, pred, from = 0, timeoutMs) =>
      eventually(async () => {
        const frames = s.frames.slice(from).filter((f): f is PresenceEvent => f.type === "presence");
        return frames.find((f) => pred(f.people.find((p) => p.user_id === userId)));
      }, timeoutMs),
    async drained() {
      const before = s.frames.length;
      ws.send(JSON.stringify({ type: "ping" }));
      await eventually(async () => s.frames.slice(before).some((f) => (f as { type: string }).type === "pong"));
    },
    send: (frame) => ws.send(JSON.stringify(frame)),
  };
  ws.addEventListener("message", (e) => {
    s.frames.push(JSON.parse(String(e.data)) as ServerEvent);
  });
  ws.addEventListener("close", (e) => {
    s.closed = { code: e.code, reason: e.reason };
  });
  ws.accept();
  await s.next((f) => f.type === "snapshot");
  return s;
}

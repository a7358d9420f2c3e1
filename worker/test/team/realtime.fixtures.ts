// Realtime team tests: people made through the API (invite → accept → session cookie) and dashboard
// sockets opened as them.
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import type { PresenceEvent, PresencePerson, ServerEvent } from "../../shared/ws-events";
import { BASE, eventually } from "../helpers";
import { invite, unit } from "./fixtures";

export const ORIGIN = BASE;

export const createUnit = async (instanceIds: string[]): Promise<string> => (await unit({ instanceIds })).id;

/** A person invited and signed in (fixtures.ts), with the Cookie header their browser would send. */
export async function signedInUser(name: string, role: "agent" | "admin", unitIds: string[]): Promise<{ id: string; cookie: string }> {
  const p = await invite({ name, role, unitIds });
  return { id: p.id, cookie: `parley_session=${p.cookie}` };
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

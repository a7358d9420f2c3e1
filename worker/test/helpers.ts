import { env, exports } from "cloudflare:workers";

export const ADMIN = env.ADMIN_TOKEN;
export const BASE = "http://parley.test";

export function api(path: string, init: RequestInit & { json?: unknown; auth?: boolean } = {}) {
  const { json, auth = true, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (auth) headers.set("authorization", `Bearer ${ADMIN}`);
  if (json !== undefined) headers.set("content-type", "application/json");
  return exports.default.fetch(new Request(`${BASE}${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body }));
}

export async function jsonOf<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** A unique suffix per test so files sharing storage never collide. */
export function uid(): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, 12);
}

/** Polls until `fn` returns a truthy value (work handed to waitUntil finishes after the response). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ""}`);
}

/** Inserts an instance row directly (no Evolution call) and returns its id and secret. */
export async function seedInstance(overrides: Record<string, unknown> = {}) {
  const { newId, randomToken } = await import("../platform/lib/ids");
  const id = newId("instance");
  const secret = randomToken(32);
  const name = `test-${uid()}`;
  await env.DB.prepare("INSERT INTO instances (id, name, number, webhook_secret, evolution_token, status) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(id, name, "+5511999990000", secret, "INSTANCE-TOKEN", (overrides.status as string) ?? "pending")
    .run();
  return { id, name, secret };
}

/** POSTs an Evolution-style delivery to the webhook route. */
export function deliver(instance: { id: string; secret: string }, body: unknown, opts: { secret?: string; suffix?: string } = {}) {
  return exports.default.fetch(
    new Request(`${BASE}/webhooks/${instance.id}${opts.suffix ? `/${opts.suffix}` : ""}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-parley-secret": opts.secret ?? instance.secret },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

export function envelope(instanceName: string, event: string, data: unknown, dateTime = new Date().toISOString()) {
  return {
    event,
    instance: instanceName,
    data,
    destination: "http://parley.test/webhooks/x",
    date_time: dateTime,
    sender: "5511999990000@s.whatsapp.net",
    server_url: "http://evolution.test",
    apikey: null,
  };
}

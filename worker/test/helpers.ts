import { env, exports } from "cloudflare:workers";

export const ADMIN = env.ADMIN_TOKEN;
export const BASE = "http://parley.test";

export function api(path: string, init: RequestInit & { json?: unknown; auth?: boolean } = {}) {
  const { json, auth = true, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (auth) headers.set("authorization", `Bearer ${ADMIN}`);
  if (json !== undefined) headers.set("content-type", "application/json");
  return exports.default.fetch(
    new Request(`${BASE}${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body }),
  );
}

export async function jsonOf<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** A unique suffix per test so files sharing storage never collide. */
export function uid(): string {
  return crypto.randomUUID().replace(/-/g, "").slice(0, 12);
}

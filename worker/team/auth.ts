// The /api gate: who is asking (principal), whether they may (access.ts), and the
// cross-origin rules for cookie-authenticated requests. Runs before every /api route.
import type { Context } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { getDb } from "../platform/db/client";
import { adminToken, tokenMatches } from "../platform/http/session";
import { allows, needOf } from "./access";
import { secretHash } from "./password";
import type { Principal } from "./principal";
import { liveApiKey, liveSession, touchApiKey, touchSession } from "./sessions.queries";
import { assertNotBlocked, clientOf, failedAttempt } from "./throttle";
import { scopeOf, touchUser, type UserRow } from "./users.queries";

export const SESSION_COOKIE = "parley_session";
export const API_KEY_PREFIX = "pk_";
const TOUCH_EVERY_MS = 5 * 60_000;
const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

export async function principalOf(env: Env, via: Principal["via"], user: UserRow | null, ids: { sessionId?: string; apiKeyId?: string }): Promise<Principal> {
  const base = { via, sessionId: ids.sessionId ?? null, apiKeyId: ids.apiKeyId ?? null };
  if (!user) return { ...base, user: null, role: "owner", instanceIds: null, unitIds: null };
  const scope = user.role === "agent" ? await scopeOf(getDb(env.DB), user.id) : { instanceIds: null, unitIds: null };
  return { ...base, user: { id: user.id, email: user.email, name: user.name }, role: user.role, ...scope };
}

/** The principal behind a request's credential; null when it carries none; throws 401/429 on a bad one. */
async function authenticate(c: Context<AppEnv>): Promise<Principal | null> {
  const header = c.req.header("authorization");
  const cookie = getCookie(c, SESSION_COOKIE);
  if (header === undefined && cookie === undefined) return null;
  const client = clientOf(c.req);
  assertNotBlocked(client);
  const db = getDb(c.env.DB);
  const now = Date.now();
  const fail = async (message: string): Promise<never> => {
    await failedAttempt(c.env, client, now);
    throw new ApiError(401, "unauthorized", message);
  };
  if (header !== undefined) {
    const secret = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
    if (secret?.startsWith(API_KEY_PREFIX)) {
      const row = await liveApiKey(db, await secretHash(secret));
      if (!row || row.user.disabled) return fail("Invalid API key");
      if (!row.key.lastUsedAt || now - row.key.lastUsedAt > TOUCH_EVERY_MS) c.executionCtx.waitUntil(touchApiKey(db, row.key.id, now).then(() => undefined));
      return principalOf(c.env, "api_key", row.user, { apiKeyId: row.key.id });
    }
    if (!adminToken(c.env)) throw new ApiError(503, "not_configured", "ADMIN_TOKEN is not configured on this server");
    if (secret && (await tokenMatches(c.env, secret))) return principalOf(c.env, "token", null, {});
    return fail("Invalid bearer token");
  }
  const found = cookie ? await liveSession(db, await secretHash(cookie), now) : undefined;
  if (!found || found.user?.disabled) return fail("Your session has ended; sign in again");
  if (!found.session.lastSeenAt || now - found.session.lastSeenAt > TOUCH_EVERY_MS) {
    const touches = [touchSession(db, found.session.id, now), ...(found.user ? [touchUser(db, found.user.id, now)] : [])];
    c.executionCtx.waitUntil(Promise.all(touches).then(() => undefined));
  }
  return principalOf(c.env, "session", found.user, { sessionId: found.session.id });
}

/**
 * A cookie rides along with any same-site request, so a state change or a WebSocket upgrade
 * authenticated by it must come from our own origin: a page on a sibling origin gets 403.
 */
function assertSameOrigin(req: Request, env: Env): void {
  const origin = req.headers.get("origin");
  const own = new Set([new URL(req.url).origin]);
  try {
    own.add(new URL(env.BASE_URL).origin);
  } catch {}
  if (origin !== null) {
    if (!own.has(origin)) throw new ApiError(403, "cross_origin", `Requests from ${origin} are not accepted`);
    return;
  }
  const site = req.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none") throw new ApiError(403, "cross_origin", "Cross-site requests are not accepted");
}

/** Bodies are JSON, multipart (uploads) or CSV (imports): a form-encoded or text/plain body is refused. */
function assertBodyType(req: Request): void {
  if (SAFE.has(req.method) || req.method === "DELETE") return;
  const length = req.headers.get("content-length");
  if (!req.body || length === "0") return;
  const type = (req.headers.get("content-type") ?? "").toLowerCase().split(";")[0]!.trim();
  if (/^application\/([\w.-]+\+)?json$/.test(type) || type === "multipart/form-data" || type === "text/csv" || type === "application/csv") return;
  throw new ApiError(415, "unsupported_media_type", `A ${type || "typeless"} body is not accepted: send application/json`);
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const need = needOf(c.req.method, c.req.path);
  assertBodyType(c.req.raw);
  const principal = await authenticate(c).catch((err) => {
    if (err instanceof ApiError && err.status === 401) {
      // A dead session cookie is cleared with its 401, so a browser counts it as one failed
      // attempt, not one per request (which would soon throttle everyone behind its address).
      if (getCookie(c, SESSION_COOKIE) !== undefined) deleteCookie(c, SESSION_COOKIE, { path: "/" });
      // A public route (signing in, accepting an invite) works with a stale cookie.
      if (need === "public") return null;
    }
    throw err;
  });
  if (principal === null) {
    if (need === "public") return next();
    throw new ApiError(401, "unauthorized", "Sign in or send Authorization: Bearer <token>");
  }
  const upgrade = c.req.header("upgrade")?.toLowerCase() === "websocket";
  if (principal.via === "session" && (!SAFE.has(c.req.method) || upgrade)) assertSameOrigin(c.req.raw, c.env);
  if (!allows(principal, need)) throw new ApiError(403, "forbidden", `Your role (${principal.role}) may not ${c.req.method} ${c.req.path}`);
  c.set("principal", principal);
  return next();
});

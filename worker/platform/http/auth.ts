import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { adminToken, SESSION_COOKIE, tokenMatches, verifySession } from "./session";

/** Routes reachable without auth: signing in and out. Everything else under /api needs it. */
export function isPublicApiRoute(method: string, path: string): boolean {
  return path === "/api/session" && (method === "POST" || method === "DELETE");
}

export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  if (isPublicApiRoute(c.req.method, c.req.path)) return next();
  if (!adminToken(c.env)) throw new ApiError(503, "not_configured", "ADMIN_TOKEN is not configured on this server");
  const header = c.req.header("authorization");
  if (header !== undefined) {
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (m?.[1] && (await tokenMatches(c.env, m[1].trim()))) {
      c.set("auth", "bearer");
      return next();
    }
    throw new ApiError(401, "unauthorized", "Invalid bearer token");
  }
  if ((await verifySession(c.env, getCookie(c, SESSION_COOKIE))) !== null) {
    c.set("auth", "session");
    return next();
  }
  throw new ApiError(401, "unauthorized", "Sign in or send Authorization: Bearer <token>");
});

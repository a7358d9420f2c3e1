// /api/session: sign in (the admin token, or e-mail and password), who am I, sign out.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { getDb } from "../platform/db/client";
import { adminToken, tokenMatches } from "../platform/http/session";
import { validate } from "../platform/http/validate";
import { iso } from "../platform/lib/time";
import { disconnectSockets } from "../platform/realtime/publish";
import { audit } from "./audit";
import { verifyPassword } from "./password";
import { clearSessionCookie, openSession } from "./sessions";
import { revokeSession } from "./sessions.queries";
import { assertNotBlocked, clientOf, failedAttempt } from "./throttle";
import { getUserByEmail, type UserRow } from "./users.queries";
import { meView } from "./views";

/** `{token}` (the admin token) or `{email, password}`. */
const signIn = z
  .object({
    token: z.string().min(1).max(512).optional(),
    email: z.string().trim().min(3).max(254).optional(),
    password: z.string().min(1).max(256).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.token === undefined && b.email === undefined) ctx.addIssue({ code: "custom", path: ["token"], message: "Send {token} or {email, password}" });
    if (b.email !== undefined && b.password === undefined) ctx.addIssue({ code: "custom", path: ["password"], message: "Required with email" });
  });

export const sessionRoutes = new Hono<AppEnv>()
  .post(
    "/",
    async (c, next) => {
      // Rate-limit before the body is even read: brute force gets 429, not a verdict.
      const client = clientOf(c.req);
      assertNotBlocked(client);
      const { success } = await c.env.LOGIN_LIMITER.limit({ key: `login:${client}` });
      if (!success) throw new ApiError(429, "rate_limited", "Too many sign-in attempts; wait a minute");
      return next();
    },
    validate("json", signIn),
    async (c) => {
      const body = c.req.valid("json");
      const client = clientOf(c.req);
      let person: UserRow | null = null;
      if (body.token !== undefined) {
        if (!adminToken(c.env)) throw new ApiError(503, "not_configured", "ADMIN_TOKEN is not configured on this server");
        if (!(await tokenMatches(c.env, body.token))) {
          await failedAttempt(c.env, client);
          throw new ApiError(401, "invalid_token", "That token is not valid");
        }
      } else {
        const user = await getUserByEmail(getDb(c.env.DB), body.email!);
        const ok = await verifyPassword(body.password!, user?.passwordHash ?? null);
        if (!user || !ok || user.disabled) {
          await failedAttempt(c.env, client);
          throw new ApiError(401, "invalid_credentials", "That e-mail and password do not match an active account");
        }
        person = user;
      }
      const session = await openSession(c, person?.id ?? null);
      const me = await meView(c.env, person);
      await audit(
        c,
        { action: "session.sign_in", targetType: "session", targetId: session.id, details: { method: body.token !== undefined ? "token" : "password" } },
        me.principal,
      );
      return c.json({ authenticated: true, expires_at: iso(session.expiresAt), ...me.view });
    },
  )
  .get("/", async (c) => {
    const p = c.get("principal")!;
    return c.json({ authenticated: true, via: p.via, role: p.role, user: p.user });
  })
  .delete("/", async (c) => {
    // Public, so a stale cookie can always be cleared; a live one (the gate already read it) is
    // revoked in D1 at once.
    const p = c.get("principal");
    if (p?.sessionId) {
      await revokeSession(getDb(c.env.DB), p.sessionId, Date.now());
      await disconnectSockets(c.env, { sessionId: p.sessionId });
      await audit(c, { action: "session.sign_out", targetType: "session", targetId: p.sessionId }, p);
    }
    clearSessionCookie(c);
    return c.json({ authenticated: false });
  });

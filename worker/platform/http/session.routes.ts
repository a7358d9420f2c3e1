import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import type { AppEnv } from "../../env";
import { ApiError } from "../../errors";
import { iso } from "../lib/time";
import { adminToken, createSession, SESSION_COOKIE, tokenMatches, verifySession } from "./session";
import { validate } from "./validate";

const signIn = z.object({ token: z.string().min(1).max(512) });

export const sessionRoutes = new Hono<AppEnv>()
  .post(
    "/",
    async (c, next) => {
      // Rate-limit before the body is even read: brute force gets 429, not a verdict.
      const ip = c.req.header("cf-connecting-ip") ?? "local";
      const { success } = await c.env.LOGIN_LIMITER.limit({ key: `login:${ip}` });
      if (!success) throw new ApiError(429, "rate_limited", "Too many sign-in attempts; wait a minute");
      return next();
    },
    validate("json", signIn),
    async (c) => {
      if (!adminToken(c.env)) throw new ApiError(503, "not_configured", "ADMIN_TOKEN is not configured on this server");
      if (!(await tokenMatches(c.env, c.req.valid("json").token))) throw new ApiError(401, "invalid_token", "That token is not valid");
      const session = await createSession(c.env);
      setCookie(c, SESSION_COOKIE, session.value, {
        httpOnly: true,
        sameSite: "Strict",
        secure: new URL(c.req.url).protocol === "https:",
        path: "/",
        expires: new Date(session.expiresAt),
      });
      return c.json({ authenticated: true, expires_at: iso(session.expiresAt) });
    },
  )
  .get("/", async (c) => {
    const expiresAt = await verifySession(c.env, getCookie(c, SESSION_COOKIE));
    return c.json({ authenticated: true, via: c.get("auth") ?? "session", expires_at: iso(expiresAt) });
  })
  .delete("/", (c) => {
    deleteCookie(c, SESSION_COOKIE, { path: "/" });
    return c.json({ authenticated: false });
  });

// Opening and ending server-side sessions (the cookie holds a random token; D1 its hash).
import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../env";
import { getDb } from "../platform/db/client";
import { newId, randomToken } from "../platform/lib/ids";
import { SESSION_COOKIE } from "./auth";
import { secretHash } from "./password";
import { insertSession } from "./sessions.queries";
import { touchUser } from "./users.queries";

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export async function openSession(c: Context<AppEnv>, userId: string | null): Promise<{ id: string; expiresAt: number }> {
  const token = randomToken(43);
  const now = Date.now();
  const row = {
    id: newId("session"),
    tokenHash: await secretHash(token),
    userId,
    expiresAt: now + SESSION_TTL_MS,
    lastSeenAt: now,
    userAgent: c.req.header("user-agent")?.slice(0, 200) ?? null,
    ip: c.req.header("cf-connecting-ip") ?? null,
  };
  const db = getDb(c.env.DB);
  await Promise.all([insertSession(db, row), ...(userId ? [touchUser(db, userId, now)] : [])]);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    expires: new Date(row.expiresAt),
  });
  return { id: row.id, expiresAt: row.expiresAt };
}

export const clearSessionCookie = (c: Context<AppEnv>) => deleteCookie(c, SESSION_COOKIE, { path: "/" });

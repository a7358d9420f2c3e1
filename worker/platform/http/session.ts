import { base64url, hmacSha256, timingSafeEqualStr } from "../lib/crypto";

export const SESSION_COOKIE = "parley_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MIN_TOKEN_LENGTH = 16;

/** The admin token, or null when it is missing or too short to be safe. */
export function adminToken(env: Env): string | null {
  const t = env.ADMIN_TOKEN;
  return typeof t === "string" && t.length >= MIN_TOKEN_LENGTH ? t : null;
}

export async function tokenMatches(env: Env, candidate: string): Promise<boolean> {
  const token = adminToken(env);
  return token !== null && (await timingSafeEqualStr(candidate, token));
}

// The session key is derived from the admin token: rotating the token signs every session out.
async function sign(token: string, payload: string): Promise<string> {
  return base64url(await hmacSha256(`parley-session:${token}`, payload));
}

export async function createSession(env: Env, now = Date.now()): Promise<{ value: string; expiresAt: number }> {
  const token = adminToken(env);
  if (!token) throw new Error("ADMIN_TOKEN is not configured");
  const expiresAt = now + SESSION_TTL_MS;
  const payload = `v1.${expiresAt}`;
  return { value: `${payload}.${await sign(token, payload)}`, expiresAt };
}

/** Returns the expiry of a valid, unexpired session cookie, or null. */
export async function verifySession(env: Env, value: string | undefined, now = Date.now()): Promise<number | null> {
  const token = adminToken(env);
  if (!token || !value) return null;
  const m = /^(v1\.(\d{13,}))\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return null;
  const [, payload, exp, sig] = m as unknown as [string, string, string, string];
  if (!(await timingSafeEqualStr(sig, await sign(token, payload)))) return null;
  const expiresAt = Number(exp);
  return expiresAt > now ? expiresAt : null;
}

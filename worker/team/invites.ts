// Invite links: one-time and expiring; the token travels in the link's #fragment, so it never
// reaches a server log or a Referer header, and only its hash is stored.
import { getDb } from "../platform/db/client";
import { newId, randomToken } from "../platform/lib/ids";
import { secretHash } from "./password";
import { expireInvitesOf, insertInvite } from "./sessions.queries";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export async function newInvite(env: Env, origin: string, userId: string, createdBy: string | null) {
  const token = randomToken(40);
  const now = Date.now();
  const db = getDb(env.DB);
  await expireInvitesOf(db, userId, now);
  const expiresAt = now + INVITE_TTL_MS;
  await insertInvite(db, { id: newId("invite"), userId, tokenHash: await secretHash(token), expiresAt, createdBy });
  return { invite_url: `${origin}/accept-invite#token=${token}`, invite_expires_at: new Date(expiresAt).toISOString() };
}

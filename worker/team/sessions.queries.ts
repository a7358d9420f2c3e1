// Sessions, invites and API keys: each a random secret handed out once, kept as its hash.
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { apiKeys, invites, sessions, users } from "../platform/db/schema";

export type SessionRow = typeof sessions.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export const insertSession = (db: Db, row: typeof sessions.$inferInsert) => db.insert(sessions).values(row);

/** A live session (not revoked, not expired) and its user (null for an admin-token session). */
export async function liveSession(db: Db, tokenHash: string, now: number): Promise<{ session: SessionRow; user: UserRow | null } | undefined> {
  const row = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .leftJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .get();
  return row ? { session: row.session, user: row.user } : undefined;
}

export const touchSession = (db: Db, id: string, at: number) => db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));

export const revokeSession = (db: Db, id: string, at: number) =>
  db
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(eq(sessions.id, id), isNull(sessions.revokedAt)));

/** Every session of a user (or of the admin token: userId null), optionally but one. */
export function revokeSessionsOf(db: Db, userId: string | null, at: number, exceptId?: string) {
  const who = userId === null ? isNull(sessions.userId) : eq(sessions.userId, userId);
  return db
    .update(sessions)
    .set({ revokedAt: at })
    .where(and(who, isNull(sessions.revokedAt), exceptId ? sql`${sessions.id} != ${exceptId}` : undefined))
    .returning({ id: sessions.id });
}

export function liveSessionsOf(db: Db, userId: string | null, now: number) {
  const who = userId === null ? isNull(sessions.userId) : eq(sessions.userId, userId);
  return db
    .select()
    .from(sessions)
    .where(and(who, isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
    .orderBy(desc(sessions.createdAt))
    .limit(100);
}

export const insertInvite = (db: Db, row: typeof invites.$inferInsert) => db.insert(invites).values(row);

export async function openInvite(db: Db, tokenHash: string, now: number) {
  return db
    .select({ invite: invites, user: users })
    .from(invites)
    .innerJoin(users, eq(users.id, invites.userId))
    .where(and(eq(invites.tokenHash, tokenHash), isNull(invites.usedAt), gt(invites.expiresAt, now)))
    .get();
}

/** Uses the invite once: true only for the request that took it. */
export async function takeInvite(db: Db, id: string, now: number): Promise<boolean> {
  const rows = await db
    .update(invites)
    .set({ usedAt: now })
    .where(and(eq(invites.id, id), isNull(invites.usedAt), gt(invites.expiresAt, now)))
    .returning({ id: invites.id });
  return rows.length === 1;
}

/** Older links of a user stop working when a new one is made. */
export const expireInvitesOf = (db: Db, userId: string, now: number) =>
  db
    .update(invites)
    .set({ expiresAt: now })
    .where(and(eq(invites.userId, userId), isNull(invites.usedAt)));

export const insertApiKey = (db: Db, row: typeof apiKeys.$inferInsert) => db.insert(apiKeys).values(row);

export async function liveApiKey(db: Db, keyHash: string) {
  return db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .get();
}

export const touchApiKey = (db: Db, id: string, at: number) => db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id));

export const listApiKeys = (db: Db, userId: string) =>
  db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt));

export async function revokeApiKey(db: Db, id: string, userId: string, at: number): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: at })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length === 1;
}

import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { instances, type Role, unitMembers, users } from "../platform/db/schema";

export type UserRow = typeof users.$inferSelect;
const stamp = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export const getUser = (db: Db, id: string) => db.select().from(users).where(eq(users.id, id)).get();
export const getUserByEmail = (db: Db, email: string) => db.select().from(users).where(eq(users.email, email.toLowerCase())).get();
export const listUsers = (db: Db) => db.select().from(users).orderBy(asc(users.createdAt), asc(users.id));
export const countOwners = async (db: Db) =>
  (
    await db
      .select({ n: sql<number>`count(*)` })
      .from(users)
      .where(and(eq(users.role, "owner"), eq(users.disabled, false)))
      .get()
  )?.n ?? 0;

export async function insertUser(db: Db, row: { id: string; email: string; name: string; role: Role; capacity?: number | null }, unitIds: string[]) {
  await db.batch([
    db.insert(users).values({ ...row, email: row.email.toLowerCase() }),
    ...unitIds.map((unitId) => db.insert(unitMembers).values({ unitId, userId: row.id }).onConflictDoNothing()),
  ]);
}

export type UserPatch = Partial<Pick<UserRow, "name" | "role" | "disabled" | "capacity" | "passwordHash">>;

export async function updateUser(db: Db, id: string, patch: UserPatch, unitIds?: string[]) {
  await db.batch([
    db
      .update(users)
      .set({ ...patch, updatedAt: stamp })
      .where(eq(users.id, id)),
    ...(unitIds === undefined
      ? []
      : [
          db.delete(unitMembers).where(eq(unitMembers.userId, id)),
          ...unitIds.map((unitId) => db.insert(unitMembers).values({ unitId, userId: id }).onConflictDoNothing()),
        ]),
  ]);
}

export const touchUser = (db: Db, id: string, at: number) => db.update(users).set({ lastSeenAt: at }).where(eq(users.id, id));

/** Unit ids per user (in chunks under D1's 100-parameter cap). */
export async function unitsOfUsers(db: Db, userIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(userIds.map((id) => [id, []]));
  for (let i = 0; i < userIds.length; i += 90) {
    const rows = await db
      .select({ userId: unitMembers.userId, unitId: unitMembers.unitId })
      .from(unitMembers)
      .where(inArray(unitMembers.userId, userIds.slice(i, i + 90)));
    for (const r of rows) out.get(r.userId)?.push(r.unitId);
  }
  return out;
}

/** What an agent works: their units and those units' instances. */
export async function scopeOf(db: Db, userId: string): Promise<{ unitIds: string[]; instanceIds: string[] }> {
  const rows = await db
    .select({ unitId: unitMembers.unitId, instanceId: instances.id })
    .from(unitMembers)
    .leftJoin(instances, eq(instances.unitId, unitMembers.unitId))
    .where(eq(unitMembers.userId, userId));
  const unitIds = [...new Set(rows.map((r) => r.unitId))];
  const instanceIds = [...new Set(rows.flatMap((r) => (r.instanceId ? [r.instanceId] : [])))];
  return { unitIds, instanceIds };
}

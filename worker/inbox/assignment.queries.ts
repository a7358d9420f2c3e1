// Assignment (issue 17): who works a conversation, who may, and auto-assignment's round-robin.
import { and, asc, eq, inArray, isNull, ne, or, type SQL, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { conversations, instances, unitMembers, units, users } from "../platform/db/schema";

const NOW = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

/** Members of the instance's unit (any role) or anyone who is not an agent: who sees its inbox. */
function seesInstance(instanceId: string | null): SQL {
  if (instanceId === null) return ne(users.role, "agent");
  return or(
    ne(users.role, "agent"),
    sql`EXISTS (SELECT 1 FROM ${unitMembers} JOIN ${instances} ON ${instances.unitId} = ${unitMembers.unitId}
      WHERE ${unitMembers.userId} = ${users.id} AND ${instances.id} = ${instanceId})`,
  )!;
}

export type Teammate = { id: string; name: string; email: string; role: string; disabled: boolean; invited: boolean; canSee: boolean };

const teammateColumns = (instanceId: string | null) => ({
  id: users.id,
  name: users.name,
  email: users.email,
  role: users.role,
  disabled: users.disabled,
  invited: sql<boolean>`${users.passwordHash} IS NULL`.mapWith(Boolean),
  canSee: sql<boolean>`${seesInstance(instanceId)}`.mapWith(Boolean),
});

/** One person, with whether they may see conversations on `instanceId` (null: a deleted instance). */
export const teammate = (db: Db, userId: string, instanceId: string | null): Promise<Teammate | undefined> =>
  db.select(teammateColumns(instanceId)).from(users).where(eq(users.id, userId)).get();

/** Everyone active (not disabled) who may see conversations on `instanceId`: whom a note may mention. */
export const activeTeammatesSeeing = (db: Db, instanceId: string | null): Promise<Teammate[]> =>
  db
    .select(teammateColumns(instanceId))
    .from(users)
    .where(and(eq(users.disabled, false), seesInstance(instanceId)))
    .orderBy(asc(users.name));

/**
 * Sets (or clears) the assignee when it is still `from` (compare-and-set: two people assigning at
 * once do not silently overwrite each other). Assigning a person pauses the AI agent on the
 * conversation: the ownership lock (agents/reply.ts drops a reply in flight when it sees it).
 */
export async function setAssignee(db: Db, id: string, from: string | null, to: string | null, at: number): Promise<boolean> {
  const rows = await db
    .update(conversations)
    .set({ assigneeId: to, assignedAt: to ? at : null, ...(to ? { agentPaused: true } : {}), updatedAt: NOW })
    .where(and(eq(conversations.id, id), from === null ? isNull(conversations.assigneeId) : eq(conversations.assigneeId, from)))
    .returning({ id: conversations.id });
  return rows.length > 0;
}

/** Whether any unit auto-assigns: cached by the caller, so a tenant without one pays nothing per conversation. */
export async function anyAutoAssignUnit(db: Db): Promise<boolean> {
  return (await db.select({ id: units.id }).from(units).where(eq(units.autoAssign, true)).limit(1)).length > 0;
}

export type PoolMember = { userId: string; capacity: number | null; load: number };
export type AutoAssignPool = { unitId: string; lastAssignedUserId: string | null; members: PoolMember[] };

/**
 * The instance's unit when it auto-assigns, with its active members (invite accepted, not
 * disabled) in a stable order and how many active conversations each is assigned now.
 */
export async function autoAssignPool(db: Db, instanceId: string): Promise<AutoAssignPool | null> {
  const rows = await db
    .select({
      unitId: units.id,
      last: units.lastAssignedUserId,
      userId: users.id,
      capacity: users.capacity,
      load: sql<number>`(SELECT count(*) FROM ${conversations} AS c WHERE c.assignee_id = ${users.id} AND c.status = 'active')`,
    })
    .from(instances)
    .innerJoin(units, and(eq(units.id, instances.unitId), eq(units.autoAssign, true)))
    .leftJoin(unitMembers, eq(unitMembers.unitId, units.id))
    .leftJoin(users, and(eq(users.id, unitMembers.userId), eq(users.disabled, false), sql`${users.passwordHash} IS NOT NULL`))
    .where(eq(instances.id, instanceId))
    .orderBy(asc(unitMembers.createdAt), asc(unitMembers.userId));
  const head = rows[0];
  if (!head) return null;
  const members = rows.flatMap((r) => (r.userId ? [{ userId: r.userId, capacity: r.capacity, load: Number(r.load) }] : []));
  return { unitId: head.unitId, lastAssignedUserId: head.last, members };
}

/** Moves the unit's round-robin cursor from `from` to `to`; false when someone else moved it first. */
export async function advanceRoundRobin(db: Db, unitId: string, from: string | null, to: string): Promise<boolean> {
  const rows = await db
    .update(units)
    .set({ lastAssignedUserId: to })
    .where(and(eq(units.id, unitId), from === null ? isNull(units.lastAssignedUserId) : eq(units.lastAssignedUserId, from)))
    .returning({ id: units.id });
  return rows.length > 0;
}

/** Names of users by id (one parameter: D1 binds at most 100). */
export async function userNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(inArray(users.id, sql`(SELECT value FROM json_each(${JSON.stringify([...new Set(ids)])}))`));
  return new Map(rows.map((r) => [r.id, r.name]));
}

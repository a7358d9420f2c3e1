import { and, asc, eq, inArray, notInArray, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { instances, unitMembers, units, users } from "../platform/db/schema";

export type UnitRow = typeof units.$inferSelect;
const stamp = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export async function listUnits(db: Db) {
  const [rows, insts, members] = await db.batch([
    db.select().from(units).orderBy(asc(units.name)),
    db.select({ id: instances.id, unitId: instances.unitId }).from(instances),
    db.select().from(unitMembers),
  ]);
  return rows.map((u) => ({
    ...u,
    instanceIds: insts.filter((i) => i.unitId === u.id).map((i) => i.id),
    memberIds: members.filter((m) => m.unitId === u.id).map((m) => m.userId),
  }));
}
export type UnitWithLinks = Awaited<ReturnType<typeof listUnits>>[number];

export const getUnit = (db: Db, id: string) => db.select().from(units).where(eq(units.id, id)).get();
export const getUnitByName = (db: Db, name: string) => db.select().from(units).where(eq(units.name, name)).get();

/** Writes a unit and, when given, exactly its instances and members, in one batch. */
export async function saveUnit(
  db: Db,
  id: string,
  fields: { name?: string; autoAssign?: boolean },
  links: { instanceIds?: string[]; memberIds?: string[] },
  create: boolean,
) {
  const head = create
    ? db.insert(units).values({ id, name: fields.name!, autoAssign: fields.autoAssign ?? false })
    : db
        .update(units)
        .set({ ...fields, updatedAt: stamp })
        .where(eq(units.id, id));
  const inst = links.instanceIds;
  const mem = links.memberIds;
  await db.batch([
    head,
    ...(inst === undefined
      ? []
      : [
          db
            .update(instances)
            .set({ unitId: null })
            .where(and(eq(instances.unitId, id), inst.length ? notInArray(instances.id, inst) : undefined)),
          ...(inst.length ? [db.update(instances).set({ unitId: id }).where(inArray(instances.id, inst))] : []),
        ]),
    ...(mem === undefined
      ? []
      : [
          db.delete(unitMembers).where(eq(unitMembers.unitId, id)),
          ...mem.map((userId) => db.insert(unitMembers).values({ unitId: id, userId }).onConflictDoNothing()),
        ]),
  ]);
}

export const deleteUnit = (db: Db, id: string) => db.delete(units).where(eq(units.id, id)).returning({ id: units.id });

/** Which of these ids exist (at most 90: the schemas cap id lists under D1's parameter limit). */
export async function existingIds(db: Db, table: "instances" | "users" | "units", ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const t = table === "instances" ? instances : table === "users" ? users : units;
  const rows = await db.select({ id: t.id }).from(t).where(inArray(t.id, ids));
  return new Set(rows.map((r) => r.id));
}

import { eq, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { instances } from "../platform/db/schema";

export type InstanceRow = typeof instances.$inferSelect;
export type InstancePatch = Partial<Omit<InstanceRow, "id" | "createdAt">>;

export async function listInstances(db: Db): Promise<InstanceRow[]> {
  return db.select().from(instances).orderBy(instances.createdAt, instances.id);
}

export async function getInstance(db: Db, id: string): Promise<InstanceRow | undefined> {
  return db.select().from(instances).where(eq(instances.id, id)).get();
}

export async function getInstanceByName(db: Db, name: string): Promise<InstanceRow | undefined> {
  return db.select().from(instances).where(eq(instances.name, name)).get();
}

export async function insertInstance(db: Db, row: typeof instances.$inferInsert): Promise<InstanceRow> {
  const [created] = await db.insert(instances).values(row).returning();
  return created!;
}

export function updateInstanceStmt(db: Db, id: string, patch: InstancePatch) {
  return db
    .update(instances)
    .set({ ...patch, updatedAt: sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))` })
    .where(eq(instances.id, id))
    .returning();
}

/** Connection state included: only WaInstance calls this (see lifecycle.ts). */
export async function updateInstance(db: Db, id: string, patch: InstancePatch): Promise<InstanceRow | undefined> {
  const [row] = await updateInstanceStmt(db, id, patch);
  return row;
}

/** The webhook URL set on Evolution (the API's own column; the connection state is WaInstance's). */
export async function setWebhookUrl(db: Db, id: string, webhookUrl: string): Promise<InstanceRow | undefined> {
  return updateInstance(db, id, { webhookUrl });
}

export async function deleteInstance(db: Db, id: string): Promise<void> {
  await db.delete(instances).where(eq(instances.id, id));
}

import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { conversationState, conversations, menuTemplates } from "../platform/db/schema";

export type MenuRow = typeof menuTemplates.$inferSelect;
export type MenuInsert = typeof menuTemplates.$inferInsert;
export type FlowStateRow = typeof conversationState.$inferSelect;

const nowMs = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export const listMenus = (db: Db) => db.select().from(menuTemplates).orderBy(menuTemplates.name);

export const listActiveMenus = (db: Db) => db.select().from(menuTemplates).where(eq(menuTemplates.isActive, true)).orderBy(menuTemplates.createdAt);

export const getMenu = (db: Db, id: string) => db.select().from(menuTemplates).where(eq(menuTemplates.id, id)).get();

export const getMenuByName = (db: Db, name: string) => db.select().from(menuTemplates).where(eq(menuTemplates.name, name)).get();

export async function insertMenu(db: Db, row: MenuInsert): Promise<MenuRow> {
  const [created] = await db.insert(menuTemplates).values(row).returning();
  return created!;
}

export async function updateMenu(db: Db, id: string, patch: Partial<MenuInsert>): Promise<MenuRow | undefined> {
  const [row] = await db
    .update(menuTemplates)
    .set({ ...patch, updatedAt: nowMs })
    .where(eq(menuTemplates.id, id))
    .returning();
  return row;
}

/** Deleting a template also ends every flow running on it. */
export async function deleteMenu(db: Db, row: MenuRow): Promise<void> {
  await db.batch([
    db.delete(conversationState).where(eq(conversationState.conversationFlow, row.name)),
    db.delete(menuTemplates).where(eq(menuTemplates.id, row.id)),
  ]);
}

export const getFlowState = (db: Db, instanceId: string, contactId: string) =>
  db
    .select()
    .from(conversationState)
    .where(and(eq(conversationState.instanceId, instanceId), eq(conversationState.contactId, contactId)))
    .get();

export async function saveFlowState(db: Db, row: Omit<FlowStateRow, "createdAt" | "updatedAt">): Promise<void> {
  await db
    .insert(conversationState)
    .values(row)
    .onConflictDoUpdate({
      target: [conversationState.instanceId, conversationState.contactId],
      set: { conversationFlow: row.conversationFlow, currentStep: row.currentStep, context: row.context, expiresAt: row.expiresAt, updatedAt: nowMs },
    });
}

export async function clearFlowState(db: Db, instanceId: string, contactId: string): Promise<void> {
  await db.delete(conversationState).where(and(eq(conversationState.instanceId, instanceId), eq(conversationState.contactId, contactId)));
}

/** Renaming a template keeps the flows running on it. */
export async function renameFlows(db: Db, from: string, to: string): Promise<void> {
  await db.update(conversationState).set({ conversationFlow: to }).where(eq(conversationState.conversationFlow, from));
}

/**
 * A menu's end-step handoff on the conversation: a human takes it (the agent pauses), or an
 * agent does (unpaused; `agentId` names it, else routing decides).
 */
export async function handOffConversation(db: Db, conversationId: string, to: { human: true } | { human: false; agentId?: string }): Promise<void> {
  const set = to.human ? { agentPaused: true } : { agentPaused: false, ...(to.agentId ? { agentId: to.agentId } : {}) };
  await db.update(conversations).set(set).where(eq(conversations.id, conversationId));
}

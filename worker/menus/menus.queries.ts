import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { conversationState, workflowTemplates } from "../platform/db/schema";

export type WorkflowRow = typeof workflowTemplates.$inferSelect;
export type WorkflowInsert = typeof workflowTemplates.$inferInsert;
export type FlowStateRow = typeof conversationState.$inferSelect;

const nowMs = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export const listWorkflows = (db: Db) => db.select().from(workflowTemplates).orderBy(workflowTemplates.name);

export const listActiveWorkflows = (db: Db) =>
  db.select().from(workflowTemplates).where(eq(workflowTemplates.isActive, true)).orderBy(workflowTemplates.createdAt);

export const getWorkflow = (db: Db, id: string) => db.select().from(workflowTemplates).where(eq(workflowTemplates.id, id)).get();

export const getWorkflowByName = (db: Db, name: string) =>
  db.select().from(workflowTemplates).where(eq(workflowTemplates.name, name)).get();

export async function insertWorkflow(db: Db, row: WorkflowInsert): Promise<WorkflowRow> {
  const [created] = await db.insert(workflowTemplates).values(row).returning();
  return created!;
}

export async function updateWorkflow(db: Db, id: string, patch: Partial<WorkflowInsert>): Promise<WorkflowRow | undefined> {
  const [row] = await db.update(workflowTemplates).set({ ...patch, updatedAt: nowMs }).where(eq(workflowTemplates.id, id)).returning();
  return row;
}

/** Deleting a template also ends every flow running on it. */
export async function deleteWorkflow(db: Db, row: WorkflowRow): Promise<void> {
  await db.batch([
    db.delete(conversationState).where(eq(conversationState.conversationFlow, row.name)),
    db.delete(workflowTemplates).where(eq(workflowTemplates.id, row.id)),
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

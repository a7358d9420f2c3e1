// Agents and the reads the reply pipeline needs. Routing is one indexed-enough query: agents are
// few per tenant, and the contact's tags come from contact_tags (the same rows filters use).
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { agents, contactTags } from "../platform/db/schema";

export type AgentRow = typeof agents.$inferSelect;
export type NewAgent = Omit<typeof agents.$inferInsert, "createdAt" | "updatedAt">;
export type AgentPatch = Partial<Omit<NewAgent, "id">>;

const NOW = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export async function listAgents(db: Db): Promise<AgentRow[]> {
  return db.select().from(agents).orderBy(asc(agents.createdAt), asc(agents.id));
}

export async function getAgent(db: Db, id: string): Promise<AgentRow | undefined> {
  return db.select().from(agents).where(eq(agents.id, id)).get();
}

export async function insertAgent(db: Db, row: NewAgent, now = Date.now()): Promise<AgentRow> {
  const [created] = await db
    .insert(agents)
    .values({ ...row, createdAt: now, updatedAt: now })
    .returning();
  if (!created) throw new Error("insert returned no row");
  return created;
}

export async function updateAgent(db: Db, id: string, patch: AgentPatch): Promise<AgentRow | undefined> {
  const [row] = await db
    .update(agents)
    .set({ ...patch, updatedAt: NOW })
    .where(eq(agents.id, id))
    .returning();
  return row;
}

export async function deleteAgent(db: Db, id: string): Promise<boolean> {
  const res = await db.delete(agents).where(eq(agents.id, id)).returning({ id: agents.id });
  return res.length > 0;
}

/**
 * The enabled agent of `instanceId` whose assigned tags overlap the contact's tags the most;
 * ties go to the oldest agent (created_at, then id), so the choice is stable.
 */
export async function agentForTags(db: Db, instanceId: string, contactId: string): Promise<(AgentRow & { overlap: number }) | undefined> {
  const overlap = sql<number>`(SELECT count(*) FROM json_each(${agents.assignedTags}) j
    WHERE j.value IN (SELECT ${contactTags.tag} FROM ${contactTags} WHERE ${contactTags.contactId} = ${contactId}))`;
  const row = await db
    .select({ agent: agents, overlap: overlap.as("overlap") })
    .from(agents)
    .where(and(eq(agents.instanceId, instanceId), eq(agents.enabled, true), sql`${overlap} > 0`))
    .orderBy(sql`overlap DESC`, asc(agents.createdAt), asc(agents.id))
    .limit(1)
    .get();
  return row ? { ...row.agent, overlap: row.overlap } : undefined;
}

/** Whether any agent could answer at all: without one, inbound messages queue nothing. */
export async function anyEnabledAgent(db: Db): Promise<boolean> {
  const row = await db.select({ id: agents.id }).from(agents).where(eq(agents.enabled, true)).limit(1).get();
  return row !== undefined;
}

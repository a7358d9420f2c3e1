// Which agent answers a conversation (PRODUCT.md §5.6), decided afresh for every inbound burst:
//   1. agent_paused (a human took over) → nobody;
//   2. conversations.agent_id (an explicit assignment, e.g. a campaign's responding agent) →
//      that agent, if it still exists and is enabled (on any instance: the campaign chose it);
//   3. otherwise the enabled agent of the conversation's instance whose assigned tags overlap
//      the contact's tags the most; ties go to the oldest agent (created_at, then id).
// Tag routing does not write agent_id: when the contact's tags change, so does the agent.
import type { Db } from "../platform/db/client";
import { type AgentRow, agentForTags, getAgent } from "./agents.queries";

export type RouteInput = {
  instanceId: string | null;
  contactId: string;
  agentId: string | null;
  agentPaused: boolean;
};

export type Routed = { agent: AgentRow; via: "conversation" | "tags" };

export async function routeAgent(db: Db, c: RouteInput): Promise<Routed | null> {
  if (c.agentPaused) return null;
  if (c.agentId) {
    const assigned = await getAgent(db, c.agentId);
    if (assigned?.enabled) return { agent: assigned, via: "conversation" };
  }
  if (!c.instanceId) return null;
  const byTags = await agentForTags(db, c.instanceId, c.contactId);
  return byTags ? { agent: byTags, via: "tags" } : null;
}

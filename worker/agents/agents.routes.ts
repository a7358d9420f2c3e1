// /api/agents: CRUD (PRODUCT.md §4). Every change is announced on the "agents" topic.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { notFound } from "../errors";
import { getInstance } from "../instances/instances.queries";
import type { Db } from "../platform/db/client";
import { getDb } from "../platform/db/client";
import { validate, validationError } from "../platform/http/validate";
import { newId } from "../platform/lib/ids";
import { iso } from "../platform/lib/time";
import { CACHE_KEYS, invalidate } from "../platform/lib/ttl-cache";
import { publish } from "../platform/realtime/publish";
import { type AgentView, DEFAULT_AGENT_MODEL } from "../shared/agents";
import { audit } from "../team/audit";
import { type AgentPatch, type AgentRow, deleteAgent, getAgent, insertAgent, listAgents, updateAgent } from "./agents.queries";
import { createAgentBody, idParam, patchAgentBody } from "./agents.schemas";

export function toAgentView(r: AgentRow): AgentView {
  return {
    id: r.id,
    name: r.name,
    system_context: r.systemContext,
    memory: r.memory,
    assigned_tags: r.assignedTags,
    instance_id: r.instanceId,
    model: r.model,
    enabled: r.enabled,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

/** A field error (400) like any other validation failure, so the form shows it under the field. */
async function mustHaveInstance(db: Db, id: string): Promise<void> {
  if (!(await getInstance(db, id))) throw validationError([{ path: "instance_id", message: "No such instance" }]);
}

async function load(db: Db, id: string): Promise<AgentRow> {
  const row = await getAgent(db, id);
  if (!row) throw notFound("Agent");
  return row;
}

export const agentsRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const rows = await listAgents(getDb(c.env.DB));
    return c.json({ items: rows.map(toAgentView), count: rows.length });
  })

  .post("/", validate("json", createAgentBody), async (c) => {
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    await mustHaveInstance(db, body.instance_id);
    const row = await insertAgent(db, {
      id: newId("agent"),
      name: body.name,
      systemContext: body.system_context,
      memory: body.memory,
      assignedTags: body.assigned_tags,
      instanceId: body.instance_id,
      model: body.model ?? DEFAULT_AGENT_MODEL,
      enabled: body.enabled,
    });
    invalidate(CACHE_KEYS.anyEnabledAgent);
    c.executionCtx.waitUntil(publish(c.env, "agents", row.id));
    await audit(c, { action: "agent.create", targetType: "agent", targetId: row.id, details: { instance_id: row.instanceId } });
    return c.json(toAgentView(row), 201);
  })

  .get("/:id", validate("param", idParam), async (c) => c.json(toAgentView(await load(getDb(c.env.DB), c.req.valid("param").id))))

  .patch("/:id", validate("param", idParam), validate("json", patchAgentBody), async (c) => {
    const db = getDb(c.env.DB);
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    await load(db, id);
    if (body.instance_id !== undefined) await mustHaveInstance(db, body.instance_id);
    const patch: AgentPatch = {};
    if (body.name !== undefined) patch.name = body.name;
    if (body.system_context !== undefined) patch.systemContext = body.system_context;
    if (body.memory !== undefined) patch.memory = body.memory;
    if (body.assigned_tags !== undefined) patch.assignedTags = body.assigned_tags;
    if (body.instance_id !== undefined) patch.instanceId = body.instance_id;
    if (body.model !== undefined) patch.model = body.model;
    if (body.enabled !== undefined) patch.enabled = body.enabled;
    const row = await updateAgent(db, id, patch);
    if (!row) throw notFound("Agent");
    invalidate(CACHE_KEYS.anyEnabledAgent);
    c.executionCtx.waitUntil(publish(c.env, "agents", id));
    await audit(c, { action: "agent.update", targetType: "agent", targetId: id, details: { fields: Object.keys(body) } });
    return c.json(toAgentView(row));
  })

  .delete("/:id", validate("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    // conversations.agent_id and campaigns.responding_agent_id are set null by their foreign keys.
    if (!(await deleteAgent(getDb(c.env.DB), id))) throw notFound("Agent");
    invalidate(CACHE_KEYS.anyEnabledAgent);
    c.executionCtx.waitUntil(publish(c.env, "agents", id));
    await audit(c, { action: "agent.delete", targetType: "agent", targetId: id });
    return c.json({ deleted: true, id });
  });

// /api/units: groups of WhatsApp numbers and the people who work them. An instance belongs to
// one unit; agents see the inbox of their units' instances only.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, conflict, notFound } from "../errors";
import { getDb } from "../platform/db/client";
import { validate } from "../platform/http/validate";
import { newId } from "../platform/lib/ids";
import { iso } from "../platform/lib/time";
import { CACHE_KEYS, invalidate } from "../platform/lib/ttl-cache";
import { disconnectSockets, publish } from "../platform/realtime/publish";
import { audit } from "./audit";
import { idParam, patchUnitBody, unitBody } from "./team.schemas";
import { deleteUnit, existingIds, getUnit, getUnitByName, listUnits, saveUnit, type UnitWithLinks } from "./units.queries";

const unitView = (u: UnitWithLinks) => ({
  id: u.id,
  name: u.name,
  auto_assign: u.autoAssign,
  instance_ids: u.instanceIds,
  member_ids: u.memberIds,
  created_at: iso(u.createdAt),
});

async function checkLinks(env: Env, links: { instance_ids?: string[]; member_ids?: string[] }) {
  const db = getDb(env.DB);
  for (const [field, table, list] of [
    ["instance_ids", "instances", links.instance_ids],
    ["member_ids", "users", links.member_ids],
  ] as const) {
    if (!list?.length) continue;
    const known = await existingIds(db, table, list);
    const missing = list.find((id) => !known.has(id));
    if (missing)
      throw new ApiError(400, "validation_failed", `Invalid input: ${field}: unknown id ${missing}`, [{ path: field, message: `unknown id ${missing}` }]);
  }
}

async function viewOf(env: Env, id: string) {
  const u = (await listUnits(getDb(env.DB))).find((x) => x.id === id);
  if (!u) throw notFound("Unit");
  return unitView(u);
}

/** Who may see what changed: every agent's socket reconnects with its new scope. */
async function scopeChanged(env: Env, id: string) {
  invalidate(CACHE_KEYS.anyAutoAssignUnit);
  await disconnectSockets(env, { agents: true });
  await publish(env, "units", id);
}

export const unitsRoutes = new Hono<AppEnv>()
  .get("/", async (c) => c.json({ items: (await listUnits(getDb(c.env.DB))).map(unitView) }))

  .post("/", validate("json", unitBody), async (c) => {
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    if (await getUnitByName(db, body.name)) throw conflict(`A unit named ${body.name} exists`);
    await checkLinks(c.env, body);
    const id = newId("unit");
    await saveUnit(db, id, { name: body.name, autoAssign: body.auto_assign }, { instanceIds: body.instance_ids, memberIds: body.member_ids }, true);
    await audit(c, { action: "unit.create", targetType: "unit", targetId: id, details: { ...body } });
    await scopeChanged(c.env, id);
    return c.json(await viewOf(c.env, id), 201);
  })

  .patch("/:id", validate("param", idParam), validate("json", patchUnitBody), async (c) => {
    const { id } = c.req.valid("param");
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    if (!(await getUnit(db, id))) throw notFound("Unit");
    if (body.name) {
      const other = await getUnitByName(db, body.name);
      if (other && other.id !== id) throw conflict(`A unit named ${body.name} exists`);
    }
    await checkLinks(c.env, body);
    await saveUnit(db, id, { name: body.name, autoAssign: body.auto_assign }, { instanceIds: body.instance_ids, memberIds: body.member_ids }, false);
    await audit(c, { action: "unit.update", targetType: "unit", targetId: id, details: { ...body } });
    await scopeChanged(c.env, id);
    return c.json(await viewOf(c.env, id));
  })

  .delete("/:id", validate("param", idParam), async (c) => {
    const { id } = c.req.valid("param");
    if (!(await deleteUnit(getDb(c.env.DB), id)).length) throw notFound("Unit");
    await audit(c, { action: "unit.delete", targetType: "unit", targetId: id });
    await scopeChanged(c.env, id);
    return c.json({ deleted: true, id });
  });

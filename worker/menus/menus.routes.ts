import { Hono } from "hono";
import type { AppEnv } from "../env";
import { conflict, notFound } from "../errors";
import { getDb } from "../platform/db/client";
import { isUniqueViolation } from "../platform/db/errors";
import { validate } from "../platform/http/validate";
import { newId } from "../platform/lib/ids";
import { iso } from "../platform/lib/time";
import { CACHE_KEYS, invalidate } from "../platform/lib/ttl-cache";
import { publish } from "../platform/realtime/publish";
import { renderStep } from "../shared/menu-engine";
import type { MenuStructure } from "../shared/menu-schema";
import { audit } from "../team/audit";
import { deleteMenu, getMenu, insertMenu, listMenus, type MenuRow, renameFlows, updateMenu } from "./menus.queries";
import { createMenuBody, menuIdParam, patchMenuBody } from "./menus.schemas";

function toView(r: MenuRow) {
  const menu = r.menuStructure as MenuStructure;
  const first = menu.steps[menu.start];
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    trigger_keywords: r.triggerKeywords,
    menu_structure: menu,
    is_active: r.isActive,
    // The first message a contact receives, as it will read on WhatsApp.
    preview: first ? renderStep(first, {}) : "",
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

const duplicateName = (err: unknown, name: string | undefined) => {
  if (isUniqueViolation(err, "workflow_templates.name")) throw conflict(`A workflow named "${name}" already exists`);
  throw err;
};

export const menusRoutes = new Hono<AppEnv>()
  .get("/", async (c) => {
    const rows = await listMenus(getDb(c.env.DB));
    return c.json({ items: rows.map(toView), count: rows.length });
  })
  .post("/", validate("json", createMenuBody), async (c) => {
    const b = c.req.valid("json");
    const row = await insertMenu(getDb(c.env.DB), {
      id: newId("workflow"),
      name: b.name,
      type: b.type,
      triggerKeywords: b.trigger_keywords,
      menuStructure: b.menu_structure,
      isActive: b.is_active,
    }).catch((err: unknown) => duplicateName(err, b.name));
    invalidate(CACHE_KEYS.activeMenus);
    c.executionCtx.waitUntil(publish(c.env, "workflows", row.id));
    await audit(c, { action: "menu.create", targetType: "menu", targetId: row.id, details: { name: row.name } });
    return c.json(toView(row), 201);
  })
  .get("/:id", validate("param", menuIdParam), async (c) => {
    const row = await getMenu(getDb(c.env.DB), c.req.valid("param").id);
    if (!row) throw notFound("Workflow");
    return c.json(toView(row));
  })
  .patch("/:id", validate("param", menuIdParam), validate("json", patchMenuBody), async (c) => {
    const db = getDb(c.env.DB);
    const before = await getMenu(db, c.req.valid("param").id);
    if (!before) throw notFound("Workflow");
    const b = c.req.valid("json");
    const row = await updateMenu(db, before.id, {
      ...(b.name !== undefined ? { name: b.name } : {}),
      ...(b.type !== undefined ? { type: b.type } : {}),
      ...(b.trigger_keywords !== undefined ? { triggerKeywords: b.trigger_keywords } : {}),
      ...(b.menu_structure !== undefined ? { menuStructure: b.menu_structure } : {}),
      ...(b.is_active !== undefined ? { isActive: b.is_active } : {}),
    }).catch((err: unknown) => duplicateName(err, b.name));
    if (b.name !== undefined && b.name !== before.name) await renameFlows(db, before.name, b.name);
    invalidate(CACHE_KEYS.activeMenus);
    c.executionCtx.waitUntil(publish(c.env, "workflows", before.id));
    await audit(c, { action: "menu.update", targetType: "menu", targetId: before.id, details: { fields: Object.keys(b) } });
    return c.json(toView(row!));
  })
  .delete("/:id", validate("param", menuIdParam), async (c) => {
    const db = getDb(c.env.DB);
    const row = await getMenu(db, c.req.valid("param").id);
    if (!row) throw notFound("Workflow");
    await deleteMenu(db, row);
    invalidate(CACHE_KEYS.activeMenus);
    c.executionCtx.waitUntil(publish(c.env, "workflows", row.id));
    await audit(c, { action: "menu.delete", targetType: "menu", targetId: row.id, details: { name: row.name } });
    return c.json({ deleted: true, id: row.id });
  });

// GET /api/audit: the append-only log, newest first (owners and admins).
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { getDb } from "../platform/db/client";
import { validate } from "../platform/http/validate";
import { decodeCursor, pageOf } from "../platform/lib/pagination";
import { iso } from "../platform/lib/time";
import { listAudit } from "./audit.queries";
import { auditQuery } from "./team.schemas";

export const auditRoutes = new Hono<AppEnv>().get("/", validate("query", auditQuery), async (c) => {
  const q = c.req.valid("query");
  const rows = await listAudit(getDb(c.env.DB), decodeCursor(q.cursor), q.limit + 1, { action: q.action, actorUserId: q.actor });
  const page = pageOf(rows, q.limit, (r) => ({ v: r.at, id: r.id }));
  return c.json({
    items: page.items.map((r) => ({
      id: r.id,
      at: iso(r.at),
      actor: { user_id: r.actorUserId, label: r.actorLabel },
      action: r.action,
      target: { type: r.targetType, id: r.targetId },
      details: r.details,
      ip: r.ip,
    })),
    next_cursor: page.next_cursor,
  });
});

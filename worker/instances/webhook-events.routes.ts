// Admin view of the webhook_events journal (PRODUCT.md §3: nothing Evolution sends is lost):
//   GET  /api/webhook-events?status=failed|received|rejected&instance_id=&cursor=&limit=
//   POST /api/webhook-events/replay {instance_id?, limit?} → {replayed, processed, held, still_failed}
// Payloads are returned as stored (media bytes stripped, credentials masked at record time).
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { getDb } from "../platform/db/client";
import { validate } from "../platform/http/validate";
import { jsonTooDeep } from "../platform/lib/json";
import { decodeCursor, pageOf, pageQuery } from "../platform/lib/pagination";
import { iso } from "../platform/lib/time";
import { replayWebhookEvents } from "./replay";
import { MAX_DELIVERY_DEPTH } from "./webhook-envelope";
import { listWebhookEvents, type WebhookEventRow } from "./webhook-events.queries";

const LISTED = ["failed", "received", "rejected"] as const;

const listQuery = pageQuery.extend({
  status: z.enum(LISTED).optional(),
  instance_id: z.string().min(1).max(64).optional(),
});

const replayBody = z
  .object({
    instance_id: z.string().min(1).max(64).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

function view(r: WebhookEventRow) {
  let payload: unknown = r.payload;
  try {
    const parsed: unknown = JSON.parse(r.payload);
    // One rejected for its nesting stays text too: serialising it would recurse past the stack.
    if (!jsonTooDeep(parsed, MAX_DELIVERY_DEPTH)) payload = parsed;
  } catch {
    // Rejected deliveries keep the raw text they came with.
  }
  return {
    id: r.id,
    instance_id: r.instanceId,
    instance_name: r.instanceName,
    event: r.event,
    status: r.status,
    error: r.error,
    deliveries: r.deliveries,
    received_at: iso(r.receivedAt),
    processed_at: iso(r.processedAt),
    payload,
  };
}

export const webhookEventsRoutes = new Hono<AppEnv>()
  .get("/", validate("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    const rows = await listWebhookEvents(getDb(c.env.DB), {
      statuses: q.status ? [q.status] : [...LISTED],
      instanceId: q.instance_id,
      cursor: decodeCursor(q.cursor),
      limit: q.limit,
    });
    const page = pageOf(rows, q.limit, (r) => ({ v: r.receivedAt, id: r.id }));
    return c.json({ items: page.items.map(view), next_cursor: page.next_cursor });
  })
  .post("/replay", validate("json", replayBody), async (c) => {
    const { instance_id, limit } = c.req.valid("json");
    return c.json(await replayWebhookEvents(c.env, { instanceId: instance_id, limit }));
  });

import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../errors";
import { getInstance } from "../instances/instances.queries";
import { getDb } from "../platform/db/client";
import { validate } from "../platform/http/validate";
import { decodeCursor, encodeCursor, pageOf } from "../platform/lib/pagination";
import type { CampaignDetail } from "../shared/campaigns";
import { audit } from "../team/audit";
import { campaignDto, recipientDto } from "./campaigns.dto";
import { agentExists, countAudience, getCampaign, listCampaigns } from "./campaigns.queries";
import * as s from "./campaigns.schemas";
import { cancel, createCampaign, pause, resume, start } from "./lifecycle";
import { listRecipients, statusCounts } from "./recipients.queries";

async function detail(env: Env, id: string): Promise<CampaignDetail> {
  const db = getDb(env.DB);
  const row = await getCampaign(db, id);
  if (!row) throw notFound("Campaign");
  return { ...campaignDto(row), recipients_by_status: await statusCounts(db, id) };
}

const CONTROLS = { start, pause, resume, cancel };

const control = (action: keyof typeof CONTROLS) =>
  [
    validate("param", s.idParam),
    async (c: import("hono").Context<AppEnv, string, { out: { param: { id: string } } }>) => {
      const { id } = c.req.valid("param");
      await CONTROLS[action](c.env, id);
      await audit(c, { action: `campaign.${action}`, targetType: "campaign", targetId: id });
      return c.json(await detail(c.env, id));
    },
  ] as const;

// Static paths before /:id.
export const campaignsRoutes = new Hono<AppEnv>()
  .get("/", validate("query", s.listQuery), async (c) => {
    const q = c.req.valid("query");
    const rows = await listCampaigns(getDb(c.env.DB), q.status, decodeCursor(q.cursor), q.limit + 1);
    const page = pageOf(rows, q.limit, (r) => ({ v: r.campaign.createdAt, id: r.campaign.id }));
    return c.json({ items: page.items.map((r) => campaignDto({ ...r.campaign, instanceName: r.instanceName })), next_cursor: page.next_cursor });
  })
  .post("/audience", validate("json", s.audienceBody), async (c) => {
    const b = c.req.valid("json");
    return c.json(await countAudience(getDb(c.env.DB), { tags: b.target_tags, match: b.match, contactIds: b.contact_ids }));
  })
  .post("/", validate("json", s.createBody), async (c) => {
    const b = c.req.valid("json");
    const db = getDb(c.env.DB);
    if (!(await getInstance(db, b.instance_id)))
      throw new ApiError(422, "unknown_instance", "No instance with that id", [{ path: "instance_id", message: "No instance with that id" }]);
    if (b.responding_agent_id && !(await agentExists(db, b.responding_agent_id)))
      throw new ApiError(422, "unknown_agent", "No agent with that id", [{ path: "responding_agent_id", message: "No agent with that id" }]);
    const id = await createCampaign(c.env, {
      name: b.name,
      instanceId: b.instance_id,
      audience: { tags: b.target_tags, match: b.match, contactIds: b.contact_ids },
      message: {
        content: b.message.content,
        attachmentBase64: b.message.attachment_base64 ?? null,
        mimeType: b.message.mime_type ?? null,
        fileName: b.message.file_name ?? null,
      },
      respondingAgentId: b.responding_agent_id ?? null,
      scheduledAt: b.scheduled_at ? Date.parse(b.scheduled_at) : null,
      pacing: { perMinute: b.pacing.per_minute, jitterPct: b.pacing.jitter_pct, dailyCap: b.pacing.daily_cap, window: b.pacing.window },
    });
    await audit(c, { action: "campaign.create", targetType: "campaign", targetId: id, details: { instance_id: b.instance_id } });
    return c.json(await detail(c.env, id), 201);
  })
  .get("/:id", validate("param", s.idParam), async (c) => c.json(await detail(c.env, c.req.valid("param").id)))
  .get("/:id/recipients", validate("param", s.idParam), validate("query", s.recipientsQuery), async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    const db = getDb(c.env.DB);
    if (!(await getCampaign(db, id))) throw notFound("Campaign");
    const after = decodeCursor(q.cursor);
    const rows = await listRecipients(db, id, q.status, after?.id, q.limit + 1);
    const items = rows.slice(0, q.limit).map(recipientDto);
    const last = items.at(-1);
    return c.json({ items, next_cursor: rows.length > q.limit && last ? encodeCursor({ v: 0, id: last.contact_id }) : null });
  })
  .post("/:id/start", ...control("start"))
  .post("/:id/pause", ...control("pause"))
  .post("/:id/resume", ...control("resume"))
  .post("/:id/cancel", ...control("cancel"));

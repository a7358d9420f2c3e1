import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../errors";
import { getDb } from "../platform/db/client";
import { validate } from "../platform/http/validate";
import { decodeCursor, pageOf } from "../platform/lib/pagination";
import { publish } from "../platform/realtime/publish";
import { audit } from "../team/audit";
import { bulkApply } from "./bulk.queries";
import { createContact, forgetInInboxes, patchContact } from "./contacts";
import { contactDto, toFilter } from "./contacts.dto";
import {
  contactVisibleTo,
  countContacts,
  deleteContact,
  getContact,
  idsByTags,
  idsMatching,
  listContacts,
  MAX_TAGS_PER_CONTACT,
  setLlmContext,
} from "./contacts.queries";
import * as s from "./contacts.schemas";
import { appendLlmContext } from "./context";
import { exportStream } from "./csv";
import { importRoute } from "./import.routes";
import { changeTag } from "./tags.queries";

/** Contacts beyond this in one "select all matching" bulk request are refused (422). */
const MAX_BULK_FILTER = 200_000;

/** Live update after the response: dashboards refetch; `tags` when per-tag counts may move. */
export function announce(c: Context<AppEnv>, id: string | undefined, tagsChanged: boolean) {
  c.executionCtx.waitUntil(Promise.all([publish(c.env, "contacts", id), tagsChanged ? publish(c.env, "tags") : Promise.resolve()]));
}

/** An agent's instances (they see those instances' contacts, see visibleToSql); undefined: everything. */
const scopeOf = (c: Context<AppEnv>) => c.get("principal")?.instanceIds ?? undefined;

/** 404 for a contact the principal may not see, as for one that does not exist. */
async function assertVisible(c: Context<AppEnv>, id: string) {
  const scope = scopeOf(c);
  if (scope && !(await contactVisibleTo(getDb(c.env.DB), id, scope))) throw notFound("Contact");
}

/** The contact, 404 when missing or (unless the caller already checked) outside an agent's units. */
async function mustGet(c: Context<AppEnv>, id: string, visibilityChecked = false) {
  const row = await getContact(getDb(c.env.DB), id);
  if (!row) throw notFound("Contact");
  if (!visibilityChecked) await assertVisible(c, id);
  return row;
}

/** "That number exists" must not hand an agent the id of a contact outside their units. */
async function withoutForeignId(c: Context<AppEnv>, err: unknown): Promise<unknown> {
  const scope = scopeOf(c);
  if (!scope || !(err instanceof ApiError) || err.status !== 409) return err;
  const existing = (err.details as { existing_id?: string | null } | undefined)?.existing_id;
  return existing && !(await contactVisibleTo(getDb(c.env.DB), existing, scope)) ? new ApiError(409, err.code, err.message) : err;
}

const contactAudit = (c: Context<AppEnv>, action: string, id: string | null, details?: Record<string, string | number | boolean | string[] | null>) =>
  audit(c, { action: `contact.${action}`, targetType: "contact", targetId: id, details });

async function listResponse(c: Context<AppEnv>, filter: ReturnType<typeof toFilter>, rawCursor: string | undefined, limit: number) {
  const cursor = decodeCursor(rawCursor);
  const { rows, count } = await listContacts(getDb(c.env.DB), { ...filter, visibleTo: scopeOf(c) }, cursor, limit + 1);
  const page = pageOf(rows, limit, (r) => ({ v: r.createdAt, id: r.id }));
  return c.json({ items: page.items.map(contactDto), count, next_cursor: page.next_cursor });
}

// Static paths are registered before /:id so "search", "bulk", … never read as an id.
export const contactsRoutes = new Hono<AppEnv>()
  .get("/", validate("query", s.listQuery), async (c) => {
    const q = c.req.valid("query");
    return listResponse(c, toFilter(q), q.cursor, q.limit);
  })
  .get("/search", validate("query", s.searchQuery), async (c) => {
    const q = c.req.valid("query");
    return listResponse(c, toFilter({ name: q.name, number: q.whatsapp_number, country: q.country }), q.cursor, q.limit);
  })
  .post("/search-by-tags", validate("json", s.searchByTagsBody), async (c) => {
    const { tags, match } = c.req.valid("json");
    const scope = scopeOf(c);
    const db = getDb(c.env.DB);
    const ids = scope ? await idsMatching(db, { tags, match, visibleTo: scope }, MAX_BULK_FILTER) : await idsByTags(db, tags, match);
    return c.json({ ids, count: ids.length });
  })
  .get("/export", validate("query", s.filterQuery), (c) => {
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(exportStream(getDb(c.env.DB), toFilter(c.req.valid("query"))), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="contacts-${stamp}.csv"`,
        "cache-control": "no-store",
      },
    });
  })
  .route("/import", importRoute)
  .post("/bulk", validate("json", s.bulkBody), async (c) => {
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    let ids = body.ids ?? [];
    if (body.filter) {
      const filter = toFilter(body.filter);
      const total = await countContacts(db, filter);
      if (total > MAX_BULK_FILTER) throw new ApiError(422, "too_many_contacts", `The filter matches ${total} contacts; at most ${MAX_BULK_FILTER} per request`);
      ids = await idsMatching(db, filter, MAX_BULK_FILTER);
    }
    const affected = await bulkApply(db, [...new Set(ids)], body.action, body.tag, Date.now());
    if (affected > 0) announce(c, undefined, true);
    await contactAudit(c, "bulk", null, { action: body.action, tag: body.tag ?? null, matched: ids.length, affected });
    return c.json({ action: body.action, matched: ids.length, affected });
  })
  .post("/", validate("json", s.createContactBody), async (c) => {
    const body = c.req.valid("json");
    const row = await createContact(getDb(c.env.DB), c.env, body).catch(async (err: unknown) => {
      throw await withoutForeignId(c, err);
    });
    announce(c, row.id, true);
    await contactAudit(c, "create", row.id, { fields: Object.keys(body) });
    return c.json(contactDto(row), 201);
  })
  .get("/:id", validate("param", s.idParam), async (c) => c.json(contactDto(await mustGet(c, c.req.valid("param").id))))
  .patch("/:id", validate("param", s.idParam), validate("json", s.patchContactBody), async (c) => {
    const current = await mustGet(c, c.req.valid("param").id);
    const body = c.req.valid("json");
    const db = getDb(c.env.DB);
    const row = await patchContact(db, c.env, current, body);
    if (!row) throw notFound("Contact");
    if (row.whatsappNumber !== current.whatsappNumber || row.name !== current.name) await forgetInInboxes(c.env, db, row.id);
    announce(c, row.id, body.tags !== undefined);
    await contactAudit(c, "update", row.id, { fields: Object.keys(body) });
    return c.json(contactDto(row));
  })
  .delete("/:id", validate("param", s.idParam), async (c) => {
    const { id } = c.req.valid("param");
    const db = getDb(c.env.DB);
    const deleted = await deleteContact(db, id);
    if (deleted === 0) throw notFound("Contact");
    await forgetInInboxes(c.env, db, id);
    announce(c, id, true);
    await contactAudit(c, "delete", id);
    return c.json({ id, deleted: true });
  })
  .post("/:id/tags", validate("param", s.idParam), validate("json", s.tagBody), async (c) => {
    const { id } = c.req.valid("param");
    const { tag } = c.req.valid("json");
    await assertVisible(c, id);
    const changed = await changeTag(getDb(c.env.DB), id, tag, "add", Date.now());
    const row = await mustGet(c, id, true);
    if (!row.tags.includes(tag)) throw new ApiError(422, "too_many_tags", `A contact can have at most ${MAX_TAGS_PER_CONTACT} tags`);
    if (changed) {
      announce(c, id, true);
      await contactAudit(c, "tag_add", id, { tag });
    }
    return c.json(contactDto(row));
  })
  .delete("/:id/tags/:tag", validate("param", s.tagParam), async (c) => {
    const { id, tag } = c.req.valid("param");
    await assertVisible(c, id);
    const changed = await changeTag(getDb(c.env.DB), id, tag, "remove", Date.now());
    const row = await mustGet(c, id, true);
    if (changed) {
      announce(c, id, true);
      await contactAudit(c, "tag_remove", id, { tag });
    }
    return c.json(contactDto(row));
  })
  .post("/:id/llm-context", validate("param", s.idParam), validate("json", s.llmContextSchema), async (c) => {
    await assertVisible(c, c.req.valid("param").id);
    const result = await appendLlmContext(getDb(c.env.DB), c.req.valid("param").id, c.req.valid("json"));
    if (!result.ok && result.reason !== "not_found") throw new ApiError(422, `llm_context_${result.reason}`, result.message);
    if (!result.ok) throw notFound("Contact");
    announce(c, result.row.id, false);
    await contactAudit(c, "llm_context", result.row.id, { mode: "append", keys: Object.keys(c.req.valid("json")).slice(0, 20) });
    return c.json(contactDto(result.row));
  })
  .put("/:id/llm-context", validate("param", s.idParam), validate("json", s.llmContextSchema), async (c) => {
    await assertVisible(c, c.req.valid("param").id);
    const row = await setLlmContext(getDb(c.env.DB), c.req.valid("param").id, c.req.valid("json"), Date.now());
    if (!row) throw notFound("Contact");
    announce(c, row.id, false);
    await contactAudit(c, "llm_context", row.id, { mode: "replace", keys: Object.keys(c.req.valid("json")).slice(0, 20) });
    return c.json(contactDto(row));
  });

// Contact reads and single-contact writes. contacts.tags (the JSON shown by the API) and the
// contact_tags rows (what filters and counts use) always change in the same db.batch.
import { and, count, desc, eq, inArray, isNull, notInArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { contacts, contactTags, type JsonObject } from "../platform/db/schema";
import { type Cursor, keysetValue } from "../platform/lib/pagination";
import { type ContactFilter, filterWhere, hasTagFilter, onlyTags, taggedIds, visibleToSql } from "./filter.queries";

export type ContactRow = typeof contacts.$inferSelect;
export type NewContact = Omit<typeof contacts.$inferInsert, "createdAt" | "updatedAt">;
export type ContactPatch = Partial<Omit<NewContact, "id">>;

/** Upper bound on tags per contact: keeps rows, JSON and tag fan-out bounded. */
export const MAX_TAGS_PER_CONTACT = 50;

const newestFirst = [desc(contacts.createdAt), desc(contacts.id)];

/** Keyset position after `cursor` in newest-first order; the (created_at, id) index serves it. */
export function afterCursor(cursor: Cursor | undefined): SQL | undefined {
  if (!cursor) return undefined;
  return sql`(${contacts.createdAt}, ${contacts.id}) < (${keysetValue(cursor.v)}, ${cursor.id})`;
}

/** Tag ranges are counted only up to this: enough to tell a rare tag from a common one. */
const RARITY_CAP = 10_000;

/**
 * For match=all, puts the rarest tag first: taggedIds walks the first tag's index range and
 * probes the others, so a common+rare pair costs the rare range, not the common one (45k vs
 * 1.5k index steps on the benchmark data). Counts are capped, so this costs at most
 * RARITY_CAP steps per tag. Returns null when a tag has no contacts: the result is empty.
 */
// Per-isolate memo of capped tag sizes. It only steers the plan (never the result), so a stale
// entry costs at most a slower query; it saves a round trip when dashboards refetch the same
// filter after every live update.
const rarityMemo = new Map<string, { n: number; at: number }>();
const RARITY_TTL_MS = 30_000;

export async function withRarestTagFirst(db: Db, f: ContactFilter): Promise<ContactFilter | null> {
  if (!hasTagFilter(f) || f.tags.length < 2 || (f.match ?? "all") !== "all") return f;
  const now = Date.now();
  const memo = f.tags.map((tag) => ({ tag, hit: rarityMemo.get(tag) }));
  let sizes: { tag: string; n: number }[];
  if (memo.every((m) => m.hit && now - m.hit.at < RARITY_TTL_MS)) {
    sizes = memo.map((m) => ({ tag: m.tag, n: m.hit?.n ?? 0 }));
  } else {
    sizes = await db.all<{ tag: string; n: number }>(
      sql`SELECT value AS tag, (SELECT count(*) FROM (SELECT 1 FROM ${contactTags} WHERE ${contactTags.tag} = value LIMIT ${RARITY_CAP})) AS n
          FROM json_each(${JSON.stringify(f.tags)})`,
    );
    if (rarityMemo.size > 500) rarityMemo.clear();
    for (const s of sizes) rarityMemo.set(s.tag, { n: s.n, at: now });
    if (sizes.some((s) => s.n === 0)) return null;
  }
  return { ...f, tags: [...sizes].sort((a, b) => a.n - b.n).map((s) => s.tag) };
}

export function countQuery(db: Db, f: ContactFilter) {
  // A tags-only filter is answered from contact_tags alone (covering index, no contact rows).
  if (hasTagFilter(f) && onlyTags(f)) return db.select({ n: count() }).from(sql`(${taggedIds(f.tags, f.match)})`);
  return db.select({ n: count() }).from(contacts).where(filterWhere(f));
}

export function pageQuery(db: Db, f: ContactFilter, cursor: Cursor | undefined, limit: number) {
  return db
    .select()
    .from(contacts)
    .where(and(filterWhere(f), afterCursor(cursor)))
    .orderBy(...newestFirst)
    .limit(limit);
}

/** Newest contacts the dense plan looks at before giving up (see listContacts). */
const RECENT_WINDOW = 2000;

/**
 * One page (newest first) and the filter's total count. SQLite has no statistics to choose
 * between the two good plans, so we do:
 *   - dense: probe the filter on the RECENT_WINDOW newest contacts after the cursor — a few ms,
 *     and enough whenever at least ~limit/RECENT_WINDOW of contacts match (most tag filters);
 *   - sparse (only when the window did not fill the page): drive from the filter (tag index or
 *     a scan) and sort the few matches; `+created_at` stops SQLite walking the whole
 *     created_at index and fetching every row to test it.
 * The count rides in the same batch as the dense attempt, so the usual case is one round trip.
 */
export async function listContacts(db: Db, filter: ContactFilter, cursor: Cursor | undefined, limit: number) {
  const f = await withRarestTagFirst(db, filter);
  if (!f) return { rows: [], count: 0 };
  const where = filterWhere(f, "probe");
  if (!where) {
    const [rows, total] = await db.batch([pageQuery(db, f, cursor, limit), countQuery(db, f)]);
    return { rows, count: total[0]?.n ?? 0 };
  }
  const recent = sql`${contacts.id} IN (SELECT ${contacts.id} FROM ${contacts} ${cursor ? sql`WHERE ${afterCursor(cursor)}` : sql``}
    ORDER BY ${contacts.createdAt} DESC, ${contacts.id} DESC LIMIT ${RECENT_WINDOW})`;
  const dense = db
    .select()
    .from(contacts)
    .where(and(recent, where))
    .orderBy(...newestFirst)
    .limit(limit);
  const [rows, total] = await db.batch([dense, countQuery(db, f)]);
  const count = total[0]?.n ?? 0;
  if (rows.length >= limit || (!cursor && rows.length >= count)) return { rows, count };
  const sparse = await db
    .select()
    .from(contacts)
    .where(and(filterWhere(f, "set"), afterCursor(cursor)))
    .orderBy(sql`+${contacts.createdAt} DESC`, desc(contacts.id))
    .limit(limit);
  return { rows: sparse, count };
}

export async function countContacts(db: Db, filter: ContactFilter): Promise<number> {
  const f = await withRarestTagFirst(db, filter);
  if (!f) return 0;
  const [row] = await countQuery(db, f);
  return row?.n ?? 0;
}

export async function idsMatching(db: Db, filter: ContactFilter, max: number): Promise<string[]> {
  const f = await withRarestTagFirst(db, filter);
  if (!f) return [];
  const rows = await db.select({ id: contacts.id }).from(contacts).where(filterWhere(f)).limit(max);
  return rows.map((r) => r.id);
}

/** Ids carrying the tags, straight from the index (no contacts rows read). */
export async function idsByTags(db: Db, tags: string[], match: "all" | "any"): Promise<string[]> {
  const f = await withRarestTagFirst(db, { tags, match });
  if (!f?.tags) return [];
  const rows = await db.all<{ contact_id: string }>(taggedIds(f.tags, match));
  return rows.map((r) => r.contact_id);
}

export async function getContact(db: Db, id: string): Promise<ContactRow | undefined> {
  return db.select().from(contacts).where(eq(contacts.id, id)).get();
}

/** The contacts with these ids (any order; missing ids are simply absent). */
export async function getContacts(db: Db, ids: readonly string[]): Promise<ContactRow[]> {
  return db
    .select()
    .from(contacts)
    .where(inArray(contacts.id, [...ids]));
}

/** Whether an agent working these instances sees the contact (see visibleToSql). */
export async function contactVisibleTo(db: Db, id: string, instanceIds: readonly string[]): Promise<boolean> {
  const row = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(and(eq(contacts.id, id), visibleToSql(instanceIds)))
    .get();
  return row !== undefined;
}

export async function findByNumber(db: Db, e164: string): Promise<ContactRow | undefined> {
  return db.select().from(contacts).where(eq(contacts.whatsappNumber, e164)).get();
}

/** The id of the contact with this number, as a subquery for another statement (NULL: none). */
export const contactIdByNumberSql = (e164: string): SQL => sql`(SELECT ${contacts.id} FROM ${contacts} WHERE ${contacts.whatsappNumber} = ${e164})`;

function tagRows(contactId: string, tags: readonly string[]) {
  return tags.map((tag) => ({ contactId, tag }));
}

/** Inserts a contact and its tag rows atomically; throws D1's UNIQUE error on a duplicate number. */
export async function insertContact(db: Db, values: NewContact, now: number): Promise<ContactRow> {
  const insert = db
    .insert(contacts)
    .values({ ...values, createdAt: now, updatedAt: now })
    .returning();
  const tags = values.tags ?? [];
  const [rows] = tags.length ? await db.batch([insert, db.insert(contactTags).values(tagRows(values.id, tags)).onConflictDoNothing()]) : [await insert];
  const row = rows[0];
  if (!row) throw new Error("insert returned no row");
  return row;
}

/** Names a contact that still has no name and still has this number; false when it has either changed. */
export async function nameIfUnnamed(db: Db, id: string, number: string, name: string, now: number): Promise<boolean> {
  const rows = await db
    .update(contacts)
    .set({ name, updatedAt: now })
    .where(and(eq(contacts.id, id), eq(contacts.whatsappNumber, number), isNull(contacts.name)))
    .returning({ id: contacts.id });
  return rows.length > 0;
}

/** Applies a patch; when `tags` is in it, contact_tags is rewritten to match in the same batch. */
export async function updateContact(db: Db, id: string, patch: ContactPatch, now: number): Promise<ContactRow | undefined> {
  const update = db
    .update(contacts)
    .set({ ...patch, updatedAt: now })
    .where(eq(contacts.id, id))
    .returning();
  if (!patch.tags) return (await update)[0];
  const tags = patch.tags;
  const drop = db.delete(contactTags).where(and(eq(contactTags.contactId, id), tags.length ? notInArray(contactTags.tag, tags) : undefined));
  // The insert selects from contacts so a missing contact adds no orphan tag rows.
  const add = db
    .insert(contactTags)
    .select(
      db
        .select({ contactId: sql<string>`${id}`.as("contact_id"), tag: sql<string>`value`.as("tag") })
        .from(sql`json_each(${JSON.stringify(tags)})`)
        .where(sql`EXISTS (SELECT 1 FROM ${contacts} WHERE ${contacts.id} = ${id})`),
    )
    .onConflictDoNothing();
  const [rows] = await db.batch([update, drop, add]);
  return rows[0];
}

export async function setLlmContext(db: Db, id: string, context: JsonObject, now: number) {
  return updateContact(db, id, { llmContext: context }, now);
}

/** Deletes contacts and their tag rows; returns how many contacts went. */
export async function deleteContacts(db: Db, where: SQL): Promise<number> {
  const [, res] = await db.batch([
    db.delete(contactTags).where(sql`${contactTags.contactId} IN (SELECT ${contacts.id} FROM ${contacts} WHERE ${where})`),
    db.delete(contacts).where(where),
  ]);
  return res.meta.changes ?? 0;
}

/** Deletes one contact and its tag rows; returns 1, or 0 when there was none. */
export async function deleteContact(db: Db, id: string): Promise<number> {
  return deleteContacts(db, eq(contacts.id, id));
}

export async function tagCounts(db: Db): Promise<{ tag: string; count: number }[]> {
  return db.select({ tag: contactTags.tag, count: count() }).from(contactTags).groupBy(contactTags.tag).orderBy(desc(count()), contactTags.tag);
}

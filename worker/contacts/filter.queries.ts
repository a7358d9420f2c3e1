// Filter → SQL for the contacts list, search, bulk-by-filter and export. Tag filters go
// through contact_tags and its (tag, contact_id) index, never through the JSON column.
import { and, eq, inArray, or, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { contacts, contactTags, conversations } from "../platform/db/schema";

export type TagMatch = "all" | "any";

export type ContactFilter = {
  tags?: string[];
  match?: TagMatch;
  country?: string;
  name?: string;
  description?: string;
  /** Digits only; matched anywhere in the E.164 number. */
  number?: string;
  /** Free text: name, description, number digits, or an exact tag. */
  q?: string;
  /** An agent's scope: the instances of their units (absent: every contact). */
  visibleTo?: readonly string[];
};

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** Case-insensitive (ASCII, as SQLite's LIKE) "contains", with the user's % and _ kept literal. */
function contains(col: SQLiteColumn, text: string): SQL {
  return sql`${col} LIKE ${likePattern(text)} ESCAPE '\\'`;
}

/**
 * Ids of contacts carrying the tags, read from the contact_tags (tag, contact_id) index: `any`
 * reads the range of every tag; `all` walks the first tag's range and probes the primary key
 * (contact_id, tag) for each other tag — cheaper than INTERSECT, which sorts both ranges.
 */
export function taggedIds(tags: string[], match: TagMatch = "all"): SQL {
  if (match === "any" || tags.length === 1) return sql`SELECT DISTINCT ${contactTags.contactId} FROM ${contactTags} WHERE ${inArray(contactTags.tag, tags)}`;
  const [first, ...rest] = tags;
  const probes = rest.map((t) => sql`EXISTS (SELECT 1 FROM ${contactTags} AS other WHERE other.contact_id = ${contactTags.contactId} AND other.tag = ${t})`);
  return sql`SELECT ${contactTags.contactId} FROM ${contactTags} WHERE ${and(eq(contactTags.tag, first ?? ""), ...probes)}`;
}

/** Per-row tag check for a scan that already has the contact (the "dense" page plan). */
function tagProbe(tags: string[], match: TagMatch): SQL | undefined {
  const has = (cond: SQL) => sql`EXISTS (SELECT 1 FROM ${contactTags} WHERE ${contactTags.contactId} = ${contacts.id} AND ${cond})`;
  if (match === "any") return has(inArray(contactTags.tag, tags));
  return and(...tags.map((t) => has(eq(contactTags.tag, t))));
}

export function hasTagFilter(f: ContactFilter): f is ContactFilter & { tags: string[] } {
  return (f.tags?.length ?? 0) > 0;
}

/** True when the filter has no condition other than tags: counts can skip the contacts table. */
export function onlyTags(f: ContactFilter): boolean {
  return !f.country && !f.name && !f.description && !f.number && !f.q && !f.visibleTo;
}

/**
 * What an agent sees of the contacts (issue 17): those with a conversation on one of their
 * units' instances, and those with no conversation on any instance yet (so they can start one).
 * A contact who only talks to other units' numbers stays hidden.
 */
export function visibleToSql(instanceIds: readonly string[]): SQL {
  return sql`(EXISTS (SELECT 1 FROM ${conversations} AS cv WHERE cv.contact_id = ${contacts.id} AND cv.instance_id IN (SELECT value FROM json_each(${JSON.stringify(instanceIds)})))
    OR NOT EXISTS (SELECT 1 FROM ${conversations} AS cv WHERE cv.contact_id = ${contacts.id} AND cv.instance_id IS NOT NULL))`;
}

/**
 * The filter as a WHERE clause. `set` drives tag filters from the tag index (best when few
 * contacts match); `probe` checks each scanned contact's tags by primary key (best when the scan
 * is already bounded, as in the dense page plan).
 */
export function filterWhere(f: ContactFilter, style: "set" | "probe" = "set"): SQL | undefined {
  const conds: (SQL | undefined)[] = [];
  if (f.visibleTo) conds.push(visibleToSql(f.visibleTo));
  if (hasTagFilter(f)) conds.push(style === "set" ? sql`${contacts.id} IN (${taggedIds(f.tags, f.match)})` : tagProbe(f.tags, f.match ?? "all"));
  if (f.country) conds.push(eq(contacts.country, f.country));
  if (f.name) conds.push(contains(contacts.name, f.name));
  if (f.description) conds.push(contains(contacts.description, f.description));
  if (f.number) conds.push(contains(contacts.whatsappNumber, f.number));
  if (f.q) {
    const digits = f.q.replace(/\D/g, "");
    conds.push(
      or(
        contains(contacts.name, f.q),
        contains(contacts.description, f.q),
        digits.length >= 3 ? contains(contacts.whatsappNumber, digits) : undefined,
        sql`EXISTS (SELECT 1 FROM ${contactTags} WHERE ${contactTags.contactId} = ${contacts.id} AND ${contactTags.tag} = ${f.q.trim().toLowerCase()})`,
      ),
    );
  }
  return and(...conds);
}

/** Contacts whose id is in a JSON array bound as ONE parameter: D1 allows only 100 per query. */
export function idIn(ids: readonly string[]): SQL {
  return sql`${contacts.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

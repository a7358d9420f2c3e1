// Filter → SQL for the contacts list, search, bulk-by-filter and export. Tag filters go
// through contact_tags and its (tag, contact_id) index, never through the JSON column.
import { type SQL, and, eq, inArray, or, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { contactTags, contacts } from "../schema";

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
};

function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}

/** Case-insensitive (ASCII, as SQLite's LIKE) "contains", with the user's % and _ kept literal. */
function contains(col: SQLiteColumn, text: string): SQL {
  return sql`${col} LIKE ${likePattern(text)} ESCAPE '\\'`;
}

/**
 * Ids of contacts carrying the tags: `all` intersects one index range per tag, `any` reads the
 * ranges of every tag. Both only touch the contact_tags (tag, contact_id) index.
 */
export function taggedIds(tags: string[], match: TagMatch = "all"): SQL {
  const select = sql`SELECT ${contactTags.contactId} FROM ${contactTags}`;
  if (match === "any" || tags.length === 1) return sql`${select} WHERE ${inArray(contactTags.tag, tags)}`;
  return sql.join(
    tags.map((t) => sql`${select} WHERE ${contactTags.tag} = ${t}`),
    sql` INTERSECT `,
  );
}

export function hasTagFilter(f: ContactFilter): f is ContactFilter & { tags: string[] } {
  return (f.tags?.length ?? 0) > 0;
}

/** True when the filter has no condition other than tags: counts can skip the contacts table. */
export function onlyTags(f: ContactFilter): boolean {
  return !f.country && !f.name && !f.description && !f.number && !f.q;
}

export function filterWhere(f: ContactFilter): SQL | undefined {
  const conds: (SQL | undefined)[] = [];
  if (hasTagFilter(f)) conds.push(sql`${contacts.id} IN (${taggedIds(f.tags, f.match)})`);
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

// Adding/removing one tag on a set of contacts, set-based and race-free: the JSON column is
// edited in SQL (no read-modify-write in the Worker), then contact_tags follows from it.
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { contacts, contactTags } from "../platform/db/schema";
import { MAX_TAGS_PER_CONTACT } from "./contacts.queries";

const jsonHasTag = (tag: string) => sql`EXISTS (SELECT 1 FROM json_each(${contacts.tags}) WHERE value = ${tag})`;

/**
 * Statements adding `tag` to the contacts matched by `where` (which must not depend on
 * contact_tags rows for `tag`). Contacts already at MAX_TAGS_PER_CONTACT are left alone, and the
 * contact_tags insert follows the JSON, so both stay in sync. The first statement's `changes` is
 * the number of contacts that gained the tag.
 */
export function addTagStatements(db: Db, where: SQL, tag: string, now: number) {
  return [
    db
      .update(contacts)
      .set({ tags: sql`json_insert(${contacts.tags}, '$[#]', ${tag})`, updatedAt: now })
      .where(and(where, sql`NOT ${jsonHasTag(tag)}`, sql`json_array_length(${contacts.tags}) < ${MAX_TAGS_PER_CONTACT}`)),
    db
      .insert(contactTags)
      .select(
        db
          .select({ contactId: contacts.id, tag: sql<string>`${tag}`.as("tag") })
          .from(contacts)
          .where(and(where, jsonHasTag(tag))),
      )
      .onConflictDoNothing(),
  ] as const;
}

/** Statements removing `tag` from the contacts matched by `where`; JSON first, then the rows. */
export function removeTagStatements(db: Db, where: SQL, tag: string, now: number) {
  return [
    db
      .update(contacts)
      .set({
        tags: sql`(SELECT json_group_array(value) FROM json_each(${contacts.tags}) WHERE value <> ${tag})`,
        updatedAt: now,
      })
      .where(and(where, jsonHasTag(tag))),
    db.delete(contactTags).where(and(eq(contactTags.tag, tag), sql`${contactTags.contactId} IN (SELECT ${contacts.id} FROM ${contacts} WHERE ${where})`)),
  ] as const;
}

/** Adds or removes one tag on one contact; returns true when the contact changed. */
export async function changeTag(db: Db, contactId: string, tag: string, op: "add" | "remove", now: number): Promise<boolean> {
  const where = eq(contacts.id, contactId);
  const [first, second] = op === "add" ? addTagStatements(db, where, tag, now) : removeTagStatements(db, where, tag, now);
  const [res] = await db.batch([first, second]);
  return (res.meta.changes ?? 0) > 0;
}

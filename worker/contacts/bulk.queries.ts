// Many-contact writes: bulk actions and CSV import chunks. Ids and rows travel as ONE JSON
// parameter per statement (json_each), which sidesteps D1's 100-bound-parameter limit, and a
// request makes a handful of batches instead of one statement per contact.
import { type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Db } from "../platform/db/client";
import { contacts, contactTags } from "../platform/db/schema";
import { deleteContacts } from "./contacts.queries";
import { idIn } from "./filter.queries";
import { addTagStatements, removeTagStatements } from "./tags.queries";

/** Ids per statement: ~26 bytes each keeps a parameter near 50 KB. */
export const IDS_PER_STATEMENT = 2000;
/** Statements per db.batch: each batch is one atomic round trip. */
const STATEMENTS_PER_BATCH = 40;

export type BulkAction = "delete" | "add_tag" | "remove_tag";

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function changes(result: unknown): number {
  const meta = (result as { meta?: { changes?: number } } | undefined)?.meta;
  return meta?.changes ?? 0;
}

async function runBatches(db: Db, statements: BatchItem<"sqlite">[], counted: Set<number>): Promise<number> {
  let affected = 0;
  for (let i = 0; i < statements.length; i += STATEMENTS_PER_BATCH) {
    const part = statements.slice(i, i + STATEMENTS_PER_BATCH) as [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];
    const results = await db.batch(part);
    results.forEach((r, j) => {
      if (counted.has(i + j)) affected += changes(r);
    });
  }
  return affected;
}

/** Applies a bulk action to the given ids; returns how many contacts it changed. */
export async function bulkApply(db: Db, ids: readonly string[], action: BulkAction, tag: string | undefined, now: number) {
  if (ids.length === 0) return 0;
  if (action === "delete") {
    let deleted = 0;
    // Tag rows go first, by id, so no filter on contact_tags can change under the delete.
    for (const part of chunk(ids, IDS_PER_STATEMENT)) deleted += await deleteContacts(db, idIn(part));
    return deleted;
  }
  if (!tag) throw new Error("bulk tag action without a tag");
  const statements: BatchItem<"sqlite">[] = [];
  const counted = new Set<number>();
  for (const part of chunk(ids, IDS_PER_STATEMENT)) {
    const where: SQL = idIn(part);
    const [first, second] = action === "add_tag" ? addTagStatements(db, where, tag, now) : removeTagStatements(db, where, tag, now);
    counted.add(statements.length);
    statements.push(first, second);
  }
  return runBatches(db, statements, counted);
}

export type ExistingContact = Pick<typeof contacts.$inferSelect, "id" | "whatsappNumber" | "name" | "description" | "country" | "tags">;

export async function existingByNumber(db: Db, numbers: readonly string[]): Promise<Map<string, ExistingContact>> {
  const out = new Map<string, ExistingContact>();
  for (const part of chunk(numbers, IDS_PER_STATEMENT)) {
    const rows = await db
      .select({
        id: contacts.id,
        whatsappNumber: contacts.whatsappNumber,
        name: contacts.name,
        description: contacts.description,
        country: contacts.country,
        tags: contacts.tags,
      })
      .from(contacts)
      .where(sql`${contacts.whatsappNumber} IN (SELECT value FROM json_each(${JSON.stringify(part)}))`);
    for (const r of rows) out.set(r.whatsappNumber, r);
  }
  return out;
}

/** A contact as the import will leave it (already merged with what was stored). */
export type ImportRow = { id: string; n: string; name: string | null; d: string | null; c: string | null; t: string[] };

/**
 * Upserts import rows by number, then adds their tag rows (joined by number, so a contact
 * created concurrently under another id still gets its tags), in one atomic batch.
 */
export async function upsertImportRows(db: Db, rows: readonly ImportRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  const payload = JSON.stringify(rows);
  const pairs = JSON.stringify(rows.flatMap((r) => r.t.map((t) => [r.n, t])));
  const field = (k: string) => sql.raw(`json_extract(value, '$.${k}')`);
  const rowsIn = db
    .select({
      id: sql<string>`${field("id")}`.as("id"),
      name: sql<string | null>`${field("name")}`.as("name"),
      whatsappNumber: sql<string>`${field("n")}`.as("whatsapp_number"),
      description: sql<string | null>`${field("d")}`.as("description"),
      country: sql<string | null>`${field("c")}`.as("country"),
      tags: sql<string>`json(${field("t")})`.as("tags"),
      // insert…select needs every column in table order; these two keep their defaults.
      llmContext: sql<string>`'{}'`.as("llm_context"),
      optedOut: sql<number>`0`.as("opted_out"),
      createdAt: sql<number>`${now}`.as("created_at"),
      updatedAt: sql<number>`${now}`.as("updated_at"),
    })
    .from(sql`json_each(${payload})`)
    // "WHERE true" tells SQLite's parser that ON CONFLICT belongs to the upsert, not a join.
    .where(sql`true`);
  const excluded = (col: string) => sql.raw(`excluded.${col}`);
  const tagsIn = db
    .select({
      contactId: sql<string>`c.id`.as("contact_id"),
      tag: sql<string>`json_extract(p.value, '$[1]')`.as("tag"),
    })
    .from(sql`json_each(${pairs}) p JOIN contacts c ON c.whatsapp_number = json_extract(p.value, '$[0]')`);
  await db.batch([
    db
      .insert(contacts)
      .select(rowsIn)
      .onConflictDoUpdate({
        target: contacts.whatsappNumber,
        set: {
          name: excluded("name"),
          description: excluded("description"),
          country: excluded("country"),
          tags: excluded("tags"),
          updatedAt: excluded("updated_at"),
        },
      }),
    db.insert(contactTags).select(tagsIn).onConflictDoNothing(),
  ]);
}

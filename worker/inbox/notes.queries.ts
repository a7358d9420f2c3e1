// Private notes in a conversation's thread (issue 17 §5): their own table, so nothing that reads
// messages (the outbox, the AI agent's prompt, exports) can ever pick one up.
import { desc, eq } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { conversationNotes } from "../platform/db/schema";

export type NoteRow = typeof conversationNotes.$inferSelect;

export const insertNote = async (db: Db, row: Omit<typeof conversationNotes.$inferInsert, "createdAt">): Promise<NoteRow> => {
  const [saved] = await db.insert(conversationNotes).values(row).returning();
  if (!saved) throw new Error("note vanished after insert");
  return saved;
};

/** The latest `limit` notes, oldest first. */
export async function listNotes(db: Db, conversationId: string, limit: number): Promise<NoteRow[]> {
  const rows = await db
    .select()
    .from(conversationNotes)
    .where(eq(conversationNotes.conversationId, conversationId))
    .orderBy(desc(conversationNotes.createdAt), desc(conversationNotes.id))
    .limit(limit);
  return rows.reverse();
}

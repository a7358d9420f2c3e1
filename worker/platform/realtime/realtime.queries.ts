import { inArray } from "drizzle-orm";
import type { Db } from "../db/client";
import { conversations } from "../db/schema";

const CHUNK = 90; // D1 binds at most 100 parameters per statement

/** The instance of each conversation found (null: its instance was deleted); ids not in the map do not exist. */
export async function instancesOfConversations(db: Db, ids: string[]): Promise<Map<string, string | null>> {
  const found = new Map<string, string | null>();
  for (let i = 0; i < ids.length; i += CHUNK) {
    const part = ids.slice(i, i + CHUNK);
    const rows = await db.select({ id: conversations.id, instanceId: conversations.instanceId }).from(conversations).where(inArray(conversations.id, part));
    for (const r of rows) found.set(r.id, r.instanceId);
  }
  return found;
}

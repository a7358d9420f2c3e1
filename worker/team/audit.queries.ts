import { and, desc, eq, lt, or } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { auditLog } from "../platform/db/schema";
import type { Cursor } from "../platform/lib/pagination";

export type AuditRow = typeof auditLog.$inferSelect;

export const insertAuditStmt = (db: Db, row: typeof auditLog.$inferInsert) => db.insert(auditLog).values(row);

/** Newest first; the cursor is the last row's (at, id). */
export function listAudit(db: Db, cursor: Cursor | undefined, limit: number, filter: { action?: string; actorUserId?: string }) {
  const after = cursor ? or(lt(auditLog.at, Number(cursor.v)), and(eq(auditLog.at, Number(cursor.v)), lt(auditLog.id, cursor.id))) : undefined;
  return db
    .select()
    .from(auditLog)
    .where(
      and(after, filter.action ? eq(auditLog.action, filter.action) : undefined, filter.actorUserId ? eq(auditLog.actorUserId, filter.actorUserId) : undefined),
    )
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}

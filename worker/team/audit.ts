// The audit log (issue 17): append-only rows of who did what to what. Writers call audit()
// (or auditStmt() inside their own batch); a failed audit write is logged and never fails the
// action it records.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { getDb } from "../platform/db/client";
import type { JsonObject } from "../platform/db/schema";
import { newId } from "../platform/lib/ids";
import { insertAuditStmt } from "./audit.queries";
import { displayName, type Principal } from "./principal";

export type AuditEntry = { action: string; targetType: string; targetId?: string | null; details?: JsonObject };

export function auditStmt(env: Env, who: Principal | null, e: AuditEntry, ip?: string | null, at = Date.now()) {
  return insertAuditStmt(getDb(env.DB), {
    id: newId("audit"),
    at,
    actorUserId: who?.user?.id ?? null,
    actorLabel: who ? (who.user ? `${who.user.name} <${who.user.email}>` : displayName(who)) : "system",
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId ?? null,
    details: e.details ?? null,
    ip: ip ?? null,
  });
}

/** Records what the request's principal did. */
export async function audit(c: Context<AppEnv>, e: AuditEntry, who: Principal | null = c.get("principal") ?? null): Promise<void> {
  try {
    await auditStmt(c.env, who, e, c.req.header("cf-connecting-ip") ?? null);
  } catch (err) {
    console.error(JSON.stringify({ at: "audit", action: e.action, error: String(err) }));
  }
}

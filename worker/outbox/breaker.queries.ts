// The breaker's mirror in D1 (instances.breaker_open_since / breaker_error): what consumers and
// the API read without asking the instance's object.
import { eq } from "drizzle-orm";
import type { Db } from "../platform/db/client";
import { instances } from "../platform/db/schema";

export function setBreakerStmt(db: Db, instanceId: string, open: { since: number; error: string } | null) {
  return db
    .update(instances)
    .set({ breakerOpenSince: open?.since ?? null, breakerError: open?.error ?? null })
    .where(eq(instances.id, instanceId));
}

// Puts queued outbox rows back on the queue now: when a breaker closes, a campaign resumes or is
// cancelled, or the sweeper finds rows nothing is driving.
import { getDb } from "../platform/db/client";
import { sendQueue } from "../platform/queues";
import { retryHorizonMs } from "./outbox";
import { ID_CHUNK, queuedOutboxIds, redriveStmt } from "./outbox.queries";

const CHUNK = ID_CHUNK;

export async function redrive(env: Env, ids: string[], now = Date.now()): Promise<number> {
  const db = getDb(env.DB);
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    await redriveStmt(db, chunk, now, retryHorizonMs(env));
    await sendQueue(env).sendBatch(chunk.map((outboxId) => ({ body: { outboxId }, contentType: "json" as const })));
  }
  return ids.length;
}

/** Re-drives every queued row of an instance or of a campaign. */
export async function redriveQueued(env: Env, where: { instanceId?: string; campaignId?: string }): Promise<number> {
  return redrive(env, await queuedOutboxIds(getDb(env.DB), where));
}

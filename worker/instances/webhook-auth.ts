import { getDb } from "../platform/db/client";
import { TtlCache } from "../platform/lib/ttl-cache";
import { getInstance } from "./instances.queries";

type Entry = { id: string; name: string; secret: string };

// Per-isolate cache of (instance → webhook secret) so a delivery costs one D1 write, not a
// read and a write. Short-lived: a deleted instance stops being accepted within TTL_MS
// everywhere, and at once in the isolate that deleted it. An unknown id is never kept.
const TTL_MS = 30_000;
const cache = new TtlCache<Entry | null>(1000);

export async function instanceAuth(env: Env, instanceId: string): Promise<Entry | null> {
  if (!/^ins_[0-9A-Za-z]{20}$/.test(instanceId)) return null;
  const entry = await cache.get(instanceId, TTL_MS, async () => {
    const row = await getInstance(getDb(env.DB), instanceId);
    return row ? { id: row.id, name: row.name, secret: row.webhookSecret } : null;
  });
  if (!entry) cache.delete(instanceId);
  return entry;
}

export function forgetInstanceAuth(instanceId: string): void {
  cache.delete(instanceId);
}

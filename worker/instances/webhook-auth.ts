import { getDb } from "../platform/db/client";
import { getInstance } from "./instances.queries";

type Entry = { id: string; name: string; secret: string; until: number };

// Per-isolate cache of (instance → webhook secret) so a delivery costs one D1 write, not a
// read and a write. Short-lived: a deleted instance stops being accepted within TTL_MS
// everywhere, and at once in the isolate that deleted it.
const TTL_MS = 30_000;
const cache = new Map<string, Entry>();

export async function instanceAuth(env: Env, instanceId: string): Promise<Entry | null> {
  const hit = cache.get(instanceId);
  if (hit && hit.until > Date.now()) return hit;
  if (!/^ins_[0-9A-Za-z]{20}$/.test(instanceId)) return null;
  const row = await getInstance(getDb(env.DB), instanceId);
  if (!row) {
    cache.delete(instanceId);
    return null;
  }
  const entry = { id: row.id, name: row.name, secret: row.webhookSecret, until: Date.now() + TTL_MS };
  cache.set(instanceId, entry);
  if (cache.size > 1000) cache.delete(cache.keys().next().value!);
  return entry;
}

export function forgetInstanceAuth(instanceId: string): void {
  cache.delete(instanceId);
}

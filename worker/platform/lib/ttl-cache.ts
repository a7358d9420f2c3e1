// A tiny per-isolate cache for hot, rarely-changing reads on the message path ("is any agent
// enabled?", "which menus are active?"). Writers in the same isolate invalidate at once; other
// isolates see a change within the TTL.
const store = new Map<string, { until: number; value: Promise<unknown> }>();

export function cached<T>(key: string, ttlMs: number, load: () => PromiseLike<T>): Promise<T> {
  const hit = store.get(key);
  if (hit && hit.until > Date.now()) return hit.value as Promise<T>;
  // Settled once into a real promise: a drizzle query is a lazy thenable that runs its SQL again
  // on every then(), so keeping it would make each "hit" a query.
  const value = (async () => await load())();
  store.set(key, { until: Date.now() + ttlMs, value });
  value.catch(() => store.delete(key));
  return value;
}

export function invalidate(key: string): void {
  store.delete(key);
}

export const CACHE_KEYS = { anyEnabledAgent: "agents:any-enabled", activeMenus: "workflows:active" } as const;
export const HOT_TTL_MS = 2000;

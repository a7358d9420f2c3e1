// A tiny per-isolate cache for hot, rarely-changing reads: "is any agent enabled?", "which menus
// are active?" on the message path, an instance's webhook secret on the webhook path. Writers in
// the same isolate invalidate at once; other isolates see a change within the TTL.

export class TtlCache<T> {
  private readonly store = new Map<string, { until: number; value: Promise<T> }>();

  /** `maxEntries`: past it, the oldest entry goes. */
  constructor(private readonly maxEntries = Number.POSITIVE_INFINITY) {}

  get(key: string, ttlMs: number, load: () => PromiseLike<T>): Promise<T> {
    const hit = this.store.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    // Settled once into a real promise: a drizzle query is a lazy thenable that runs its SQL again
    // on every then(), so keeping it would make each "hit" a query.
    const value = (async () => await load())();
    this.store.set(key, { until: Date.now() + ttlMs, value });
    if (this.store.size > this.maxEntries) this.store.delete(this.store.keys().next().value!);
    // A failed load is not kept (unless a newer one replaced it meanwhile).
    value.catch(() => this.store.get(key)?.value === value && this.store.delete(key));
    return value;
  }

  delete(key: string): void {
    this.store.delete(key);
  }
}

const hot = new TtlCache<unknown>();

export function cached<T>(key: string, ttlMs: number, load: () => PromiseLike<T>): Promise<T> {
  return hot.get(key, ttlMs, load) as Promise<T>;
}

export function invalidate(key: string): void {
  hot.delete(key);
}

export const CACHE_KEYS = { anyEnabledAgent: "agents:any-enabled", activeMenus: "workflows:active", anyAutoAssignUnit: "units:any-auto-assign" } as const;
export const HOT_TTL_MS = 2000;

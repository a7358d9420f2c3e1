import { batch, computed, createModel, effect, type ReadonlySignal, signal } from "@preact/signals";
import type { ContactPage, ContactView, TagCount } from "../../../worker/shared/contacts";
import { ApiError, api, call, qs, query } from "../api/client";
import { coalesce } from "./coalesce";
import { realtime } from "./realtime";

export const PAGE_SIZE = 50;
/** The API's largest page; a live refresh re-reads what is shown in pages of this size. */
const REFRESH_CHUNK = 200;
/** A live refresh re-reads at most this many rows; rows loaded beyond stay as they were. */
const REFRESH_MAX = 2000;
/** Bursts of change events (an import, a bulk action) collapse into one refetch. */
const COALESCE_MS = 200;

/** A contacts filter as API query parameters (see pages/contacts/types.ts `apiParams`). */
export type ContactParams = Record<string, string | undefined>;

const message = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback);

/**
 * The contacts matching a filter: the first page on every filter change, further pages by
 * cursor, and live: on every `contacts`/`tags` event the rows already shown are read again in
 * place — no spinner, same scroll, same order — so the list never flickers.
 */
export const ContactListModel = createModel((initial: ContactParams) => {
  const items = signal<ContactView[] | null>(null);
  const count = signal(0);
  const next = signal<string | null>(null);
  const loadingMore = signal(false);
  const error = signal<string | null>(null);
  let params = initial;
  let key: string | null = null;
  /** Bumped on every filter change: answers for an older filter are dropped. */
  let gen = 0;
  let ctl: AbortController | null = null;
  let fetchingMore = false;

  const page = (extra: { cursor?: string | null; limit: number }, signal?: AbortSignal): Promise<ContactPage> =>
    call(api.contacts.$get({ query: query({ ...params, ...extra }) }, signal ? { init: { signal } } : undefined));
  const apply = (g: number, rows: ContactView[], total: number, cursor: string | null) => {
    if (g !== gen) return;
    batch(() => {
      items.value = rows;
      count.value = total;
      next.value = cursor;
      error.value = null;
    });
  };

  const show = (p: ContactParams) => {
    const k = qs(p);
    if (k === key) return;
    key = k;
    params = p;
    const g = ++gen;
    ctl?.abort();
    const mine = new AbortController();
    ctl = mine;
    batch(() => {
      items.value = null;
      loadingMore.value = false;
    });
    page({ limit: PAGE_SIZE }, mine.signal)
      .then((p) => apply(g, p.items, p.count, p.next_cursor))
      .catch((err: unknown) => {
        if ((err as Error).name === "AbortError" || g !== gen) return;
        batch(() => {
          items.value = [];
          count.value = 0;
          next.value = null;
          error.value = message(err, "Could not load contacts");
        });
      });
  };

  const refresh = coalesce(async () => {
    const g = gen;
    const shown = items.peek() ?? [];
    const oldNext = next.peek();
    const want = Math.min(REFRESH_MAX, Math.max(PAGE_SIZE, shown.length));
    const rows: ContactView[] = [];
    let cursor: string | null = null;
    let total = 0;
    try {
      do {
        const p: ContactPage = await page({ cursor, limit: Math.min(REFRESH_CHUNK, want - rows.length) });
        rows.push(...p.items);
        total = p.count;
        cursor = p.next_cursor;
      } while (cursor && rows.length < want);
    } catch (err) {
      if (g === gen) error.value = message(err, "Could not refresh contacts");
      return;
    }
    // Rows loaded beyond what was re-read are kept (minus any now in the fresh part).
    const fresh = new Set(rows.map((c) => c.id));
    const tail = shown.length > want ? shown.slice(want).filter((c) => !fresh.has(c.id)) : [];
    apply(g, [...rows, ...tail], total, tail.length ? oldNext : cursor);
  }, COALESCE_MS);

  show(initial);
  effect(() => realtime.on(["contacts", "tags"], refresh.run));
  effect(() => () => {
    ctl?.abort();
    refresh.cancel();
  });

  return {
    items: items as ReadonlySignal<ContactView[] | null>,
    count: count as ReadonlySignal<number>,
    hasMore: computed(() => next.value !== null),
    loadingMore: loadingMore as ReadonlySignal<boolean>,
    error: error as ReadonlySignal<string | null>,
    /** Shows the contacts matching `p` (a no-op when it is the filter shown). */
    show,
    async loadMore() {
      const g = gen;
      const cursor = next.peek();
      if (!cursor || fetchingMore) return;
      fetchingMore = true;
      loadingMore.value = true;
      try {
        const p = await page({ cursor, limit: PAGE_SIZE });
        const cur = items.peek() ?? [];
        const seen = new Set(cur.map((c) => c.id));
        apply(g, [...cur, ...p.items.filter((c) => !seen.has(c.id))], p.count, p.next_cursor);
      } catch (err) {
        if (g === gen) error.value = message(err, "Could not load more contacts");
      } finally {
        fetchingMore = false;
        loadingMore.value = false;
      }
    },
    refresh: refresh.run,
    /** Shows a contact the API just returned, before the live refetch confirms it. */
    replace(c: ContactView) {
      const cur = items.peek();
      if (cur) items.value = cur.map((x) => (x.id === c.id ? c : x));
    },
  };
});

/** Every tag with its contact count, live. */
export const TagsModel = createModel(() => {
  const tags = signal<TagCount[] | null>(null);
  const error = signal<string | null>(null);
  const load = async () => {
    try {
      tags.value = await call(api.tags.$get());
      error.value = null;
    } catch (err) {
      error.value = message(err, "Could not load tags");
    }
  };
  const refresh = coalesce(load, COALESCE_MS);
  void load();
  effect(() => realtime.on(["tags"], refresh.run));
  effect(() => () => refresh.cancel());
  return {
    tags: tags as ReadonlySignal<TagCount[] | null>,
    tagNames: computed(() => (tags.value ?? []).map((t) => t.tag)),
    error: error as ReadonlySignal<string | null>,
    refresh: refresh.run,
  };
});

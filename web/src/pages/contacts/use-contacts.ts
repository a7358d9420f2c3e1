import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, qs } from "../../api/client";
import { useLive } from "../../state/realtime";
import type { Contact, ContactPage, TagCount } from "./types";

export const PAGE_SIZE = 50;
/** The API's largest page; a live refresh re-reads what is shown in pages of this size. */
const REFRESH_CHUNK = 200;
/** A live refresh re-reads at most this many rows; rows loaded beyond stay as they were. */
const REFRESH_MAX = 2000;
/** Bursts of change events (an import, a bulk action) collapse into one refetch. */
const COALESCE_MS = 200;

export type ContactList = {
  items: Contact[] | null;
  count: number;
  hasMore: boolean;
  loadingMore: boolean;
  error: string | null;
  loadMore: () => void;
  refresh: () => void;
  /** Shows a contact the API just returned, before the live refetch confirms it. */
  replace: (c: Contact) => void;
};

const message = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback);

/** Runs `fn` once per burst of calls: never two at a time, and again if asked while running. */
function useCoalesced(fn: () => Promise<void>): () => void {
  const ref = useRef(fn);
  ref.current = fn;
  const state = useRef({ timer: undefined as ReturnType<typeof setTimeout> | undefined, running: false, again: false });
  useEffect(() => () => clearTimeout(state.current.timer), []);
  return useCallback(() => {
    const s = state.current;
    if (s.running) {
      s.again = true;
      return;
    }
    if (s.timer !== undefined) return;
    s.timer = setTimeout(async () => {
      s.timer = undefined;
      s.running = true;
      try {
        await ref.current();
      } finally {
        s.running = false;
        if (s.again) {
          s.again = false;
          s.timer = setTimeout(() => {
            s.timer = undefined;
            void ref.current();
          }, COALESCE_MS);
        }
      }
    }, COALESCE_MS);
  }, []);
}

/**
 * The contacts matching `params` (API query parameters), first page on a filter change, further
 * pages by cursor, and live: on every `contacts`/`tags` event the rows already shown are read
 * again in place — no spinner, same scroll, same order — so the list never flickers.
 */
export function useContactList(params: Record<string, string | undefined>): ContactList {
  const key = qs(params);
  const [items, setItems] = useState<Contact[] | null>(null);
  const [count, setCount] = useState(0);
  const [next, setNext] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Refs mirror the state for async callbacks; `gen` discards answers for an older filter.
  const live = useRef({ key, items: [] as Contact[], next: null as string | null, gen: 0 });

  const apply = (gen: number, rows: Contact[], total: number, cursor: string | null) => {
    if (gen !== live.current.gen) return false;
    live.current.items = rows;
    live.current.next = cursor;
    setItems(rows);
    setCount(total);
    setNext(cursor);
    setError(null);
    return true;
  };

  useEffect(() => {
    const gen = ++live.current.gen;
    live.current.key = key;
    const ctl = new AbortController();
    setItems(null);
    setLoadingMore(false);
    api
      .get<ContactPage>(`/api/contacts${qs({ ...params, limit: PAGE_SIZE })}`, ctl.signal)
      .then((p) => apply(gen, p.items, p.count, p.next_cursor))
      .catch((err: unknown) => {
        if ((err as Error).name === "AbortError" || gen !== live.current.gen) return;
        setItems([]);
        setCount(0);
        setNext(null);
        setError(message(err, "Could not load contacts"));
      });
    return () => ctl.abort();
  }, [key]);

  const loadingMoreRef = useRef(false);
  const loadMore = useCallback(async () => {
    const { gen, next: cursor, key: k } = live.current;
    if (!cursor || loadingMoreRef.current) return;
    loadingMoreRef.current = true;
    setLoadingMore(true);
    try {
      const p = await api.get<ContactPage>(`/api/contacts${k}${k ? "&" : "?"}${qs({ cursor, limit: PAGE_SIZE }).slice(1)}`);
      const seen = new Set(live.current.items.map((c) => c.id));
      apply(gen, [...live.current.items, ...p.items.filter((c) => !seen.has(c.id))], p.count, p.next_cursor);
    } catch (err) {
      if (gen === live.current.gen) setError(message(err, "Could not load more contacts"));
    } finally {
      loadingMoreRef.current = false;
      setLoadingMore(false);
    }
  }, []);

  const refresh = useCoalesced(async () => {
    const { gen, key: k, items: shown, next: oldNext } = live.current;
    const want = Math.min(REFRESH_MAX, Math.max(PAGE_SIZE, shown.length));
    const rows: Contact[] = [];
    let cursor: string | null = null;
    let total = 0;
    try {
      do {
        const limit = Math.min(REFRESH_CHUNK, want - rows.length);
        const extra = qs({ cursor: cursor ?? undefined, limit }).slice(1);
        const p: ContactPage = await api.get<ContactPage>(`/api/contacts${k}${k ? "&" : "?"}${extra}`);
        rows.push(...p.items);
        total = p.count;
        cursor = p.next_cursor;
      } while (cursor && rows.length < want);
    } catch (err) {
      if (gen === live.current.gen) setError(message(err, "Could not refresh contacts"));
      return;
    }
    // Rows loaded beyond what was re-read are kept (minus any now in the fresh part).
    const fresh = new Set(rows.map((c) => c.id));
    const tail = shown.length > want ? shown.slice(want).filter((c) => !fresh.has(c.id)) : [];
    apply(gen, [...rows, ...tail], total, tail.length ? oldNext : cursor);
  });

  const replace = useCallback((c: Contact) => {
    const rows = live.current.items.map((x) => (x.id === c.id ? c : x));
    live.current.items = rows;
    setItems(rows);
  }, []);

  useLive(["contacts", "tags"], refresh);
  return { items, count, hasMore: next !== null, loadingMore, error, loadMore: () => void loadMore(), refresh, replace };
}

/** Every tag with its contact count, live. */
export function useTags(): { tags: TagCount[] | null; error: string | null; refresh: () => void } {
  const [tags, setTags] = useState<TagCount[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    try {
      setTags(await api.get<TagCount[]>("/api/tags"));
      setError(null);
    } catch (err) {
      setError(message(err, "Could not load tags"));
    }
  };
  useEffect(() => void load(), []);
  const refresh = useCoalesced(load);
  useLive(["tags"], refresh);
  return { tags, error, refresh };
}

import { batch, createModel, effect, type ReadonlySignal, signal, untracked } from "@preact/signals";
import type { ConversationView } from "../../../worker/shared/inbox";
import { ApiError, api, call, query } from "../api/client";
import { realtime } from "./realtime";

const PAGE = 50;
/** The API's MAX_PAGE_SIZE (worker/platform/lib/pagination.ts): a refresh refetches at most this many rows. */
const MAX_LIMIT = 200;
/** A burst of changes (many messages at once) costs one refetch. */
const SETTLE_MS = 80;

/** Mine / Unassigned / All (`assigned=` of GET /api/conversations). */
export type InboxView = "me" | "unassigned" | "all";

/**
 * The inbox's conversation list: newest activity first, search, the Mine / Unassigned / All
 * views, "Load more", live re-ordering (an assignment is a conversations change: it moves live).
 */
export const ConversationListModel = createModel((initialView: InboxView) => {
  const items = signal<ConversationView[] | null>(null);
  const next = signal<string | null>(null);
  const q = signal("");
  const view = signal<InboxView>(initialView);
  const error = signal<string | null>(null);

  // Only the newest request may write the list: a slow answer for an earlier search (or an
  // earlier refresh) must not replace the current one.
  let seq = 0;
  let inflight: AbortController | null = null;
  /** The search the rows on screen answer. */
  let shownQ: string | null = null;
  // How many rows "Load more" has shown; a live refresh refetches that many (one page, up to
  // the API's MAX_PAGE_SIZE) so the list does not shrink back to the first page.
  let loaded = PAGE;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const load = async () => {
    const mine = ++seq;
    inflight?.abort();
    const ctrl = new AbortController();
    inflight = ctrl;
    try {
      const text = q.peek().trim();
      const assigned = view.peek();
      const limit = Math.min(MAX_LIMIT, Math.max(PAGE, loaded));
      const page = await call(api.conversations.$get({ query: query({ q: text, assigned, limit }) }, { init: { signal: ctrl.signal } }));
      if (mine !== seq) return;
      const sameQuery = shownQ === `${assigned}|${text}`;
      shownQ = `${assigned}|${text}`;
      // Past one request's worth (or when "Load more" finished meanwhile), rows already shown
      // below the refetched ones stay, and so does the cursor that continues after them.
      const tail = sameQuery && page.next_cursor ? (items.peek() ?? []).filter((c) => !page.items.some((i) => i.id === c.id)) : [];
      batch(() => {
        items.value = [...page.items, ...tail];
        if (tail.length === 0) next.value = page.next_cursor;
        error.value = null;
      });
    } catch (err) {
      if (mine !== seq || (err as Error).name === "AbortError") return;
      error.value = err instanceof ApiError ? err.message : "Could not load conversations";
    }
  };
  const soon = () => {
    clearTimeout(timer);
    timer = setTimeout(() => void load(), SETTLE_MS);
  };

  // A new search or view starts from the first page.
  effect(() => {
    q.value;
    view.value;
    untracked(() => {
      loaded = PAGE;
      soon();
    });
  });
  effect(() => realtime.on(["conversations", "contacts"], soon));
  effect(() => () => {
    clearTimeout(timer);
    inflight?.abort();
  });

  return {
    items: items as ReadonlySignal<ConversationView[] | null>,
    next: next as ReadonlySignal<string | null>,
    q: q as ReadonlySignal<string>,
    view: view as ReadonlySignal<InboxView>,
    error: error as ReadonlySignal<string | null>,
    search(text: string) {
      q.value = text;
    },
    show(v: InboxView) {
      if (v === view.peek()) return;
      // The rows of the other view must not linger under this one's tab.
      batch(() => {
        view.value = v;
        items.value = null;
        next.value = null;
      });
    },
    async loadMore() {
      const cursor = next.peek();
      if (!cursor) return;
      const text = q.peek().trim();
      const assigned = view.peek();
      const page = await call(api.conversations.$get({ query: query({ q: text, assigned, cursor, limit: PAGE }) }));
      // The search or view changed meanwhile: these rows belong to the old one.
      if (q.peek().trim() !== text || view.peek() !== assigned) return;
      const cur = items.peek() ?? [];
      const merged = [...cur, ...page.items.filter((i) => !cur.some((c) => c.id === i.id))];
      loaded = merged.length;
      batch(() => {
        items.value = merged;
        next.value = page.next_cursor;
      });
    },
  };
});

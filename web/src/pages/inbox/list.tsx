import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { ConversationView, Page } from "../../../../worker/shared/inbox";
import { ApiError, api, qs } from "../../api/client";
import { useLive } from "../../state/realtime";
import { shortTime } from "./format";

const PAGE = 50;
/** The API's MAX_PAGE_SIZE (worker/platform/lib/pagination.ts): a refresh refetches at most this many rows. */
const MAX_LIMIT = 200;

/** The conversation list: newest activity first, live re-ordering, search. */
export function ConversationList({ selected }: { selected: string | null }) {
  const [items, setItems] = useState<ConversationView[] | null>(null);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const shownQ = useRef<string | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [q, setQ] = useState("");
  const [error, setError] = useState<string | null>(null);
  const qRef = useRef(q);
  qRef.current = q;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // Only the newest request may write the list: a slow answer for an earlier search (or an
  // earlier refresh) must not replace the current one.
  const seq = useRef(0);
  const inflight = useRef<AbortController | null>(null);
  // How many rows "Load more" has shown; a live refresh refetches that many (one page, up to
  // the API's MAX_PAGE_SIZE) so the list does not shrink back to the first page.
  const loaded = useRef(PAGE);

  const load = useCallback(async () => {
    const mine = ++seq.current;
    inflight.current?.abort();
    const ctrl = new AbortController();
    inflight.current = ctrl;
    try {
      const query = qRef.current.trim();
      const limit = Math.min(MAX_LIMIT, Math.max(PAGE, loaded.current));
      const page = await api.get<Page<ConversationView>>(`/api/conversations${qs({ q: query, limit })}`, ctrl.signal);
      if (mine !== seq.current) return;
      const sameQuery = shownQ.current === query;
      shownQ.current = query;
      // Past one request's worth (or when "Load more" finished meanwhile), rows already shown
      // below the refetched ones stay, and so does the cursor that continues after them.
      const tail = sameQuery && page.next_cursor ? (itemsRef.current ?? []).filter((c) => !page.items.some((i) => i.id === c.id)) : [];
      setItems([...page.items, ...tail]);
      if (tail.length === 0) setNext(page.next_cursor);
      setError(null);
    } catch (err) {
      if (mine !== seq.current || (err as Error).name === "AbortError") return;
      setError(err instanceof ApiError ? err.message : "Could not load conversations");
    }
  }, []);
  // A burst of changes (many messages at once) costs one refetch.
  const soon = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => void load(), 80);
  }, [load]);
  useEffect(() => {
    loaded.current = PAGE;
    soon();
    return () => clearTimeout(timer.current);
  }, [q]);
  useEffect(() => () => inflight.current?.abort(), []);
  useLive(["conversations", "contacts"], soon);

  const more = async () => {
    if (!next) return;
    const query = q.trim();
    const page = await api.get<Page<ConversationView>>(`/api/conversations${qs({ q: query, cursor: next, limit: PAGE })}`);
    // The search changed meanwhile: these rows belong to the old one.
    if (qRef.current.trim() !== query) return;
    setItems((cur) => {
      const merged = [...(cur ?? []), ...page.items.filter((i) => !cur?.some((c) => c.id === i.id))];
      loaded.current = merged.length;
      return merged;
    });
    setNext(page.next_cursor);
  };

  return (
    <aside class="inbox-list" aria-label="Conversations">
      <input
        class="inbox-search"
        type="search"
        placeholder="Search name, number or message"
        aria-label="Search conversations"
        value={q}
        onInput={(e) => setQ(e.currentTarget.value)}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null ? (
        <p class="muted small inbox-pad">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty">{q ? "No conversation matches." : "No conversations yet. Messages to your connected numbers appear here."}</p>
      ) : (
        <ul class="conv-list">
          {items.map((c) => (
            <li key={c.id}>
              <a
                href={`/inbox/${c.id}`}
                class={`conv-item${c.id === selected ? " active" : ""}`}
                data-testid="conversation"
                data-id={c.id}
                aria-current={c.id === selected ? "page" : undefined}
              >
                <div class="conv-top">
                  <strong class="conv-name">{c.contact_name || c.contact_number}</strong>
                  <span class="conv-time small muted">{shortTime(c.last_message_at ?? c.created_at)}</span>
                </div>
                <div class="conv-bottom">
                  <span class="conv-last small muted">{c.last_message_content ?? "No messages yet"}</span>
                  {c.flow && (
                    <span class="tag flow-tag" title={`In menu ${c.flow.name}, step ${c.flow.step}`}>
                      menu
                    </span>
                  )}
                  {c.unread_count > 0 && (
                    <span class="badge" data-testid="unread" aria-label={`${c.unread_count} unread`}>
                      {c.unread_count}
                    </span>
                  )}
                </div>
                <div class="conv-meta small muted">
                  {c.contact_name ? `${c.contact_number} · ` : ""}
                  {c.instance_name}
                  {c.status === "archived" ? " · archived" : ""}
                </div>
              </a>
            </li>
          ))}
        </ul>
      )}
      {next && (
        <button class="link inbox-pad" onClick={more}>
          Load more
        </button>
      )}
    </aside>
  );
}

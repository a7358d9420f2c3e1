import { useModel } from "@preact/signals";
import { ConversationListModel } from "../../state/inbox-list";
import { shortTime } from "./format";

/** The conversation list: newest activity first, live re-ordering, search. */
export function ConversationList({ selected }: { selected: string | null }) {
  const list = useModel(ConversationListModel);
  const items = list.items.value;
  const next = list.next.value;

  return (
    <aside class="inbox-list" aria-label="Conversations">
      <input
        class="inbox-search"
        type="search"
        placeholder="Search name, number or message"
        aria-label="Search conversations"
        value={list.q}
        onInput={(e) => list.search(e.currentTarget.value)}
      />
      {list.error.value && (
        <p class="error" role="alert">
          {list.error}
        </p>
      )}
      {items === null ? (
        <p class="muted small inbox-pad">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty">{list.q.value ? "No conversation matches." : "No conversations yet. Messages to your connected numbers appear here."}</p>
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
                    <span class="badge" data-testid="unread" role="img" aria-label={`${c.unread_count} unread`}>
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
        <button type="button" class="link inbox-pad" onClick={() => void list.loadMore()}>
          Load more
        </button>
      )}
    </aside>
  );
}

import { useModel } from "@preact/signals";
import { ConversationListModel, type InboxView } from "../../state/inbox-list";
import { me } from "../../state/me";
import { shortTime } from "./format";

const VIEWS: { view: InboxView; label: string }[] = [
  { view: "me", label: "Mine" },
  { view: "unassigned", label: "Unassigned" },
  { view: "all", label: "All" },
];

const EMPTY: Record<InboxView, string> = {
  me: "Nothing assigned to you. Conversations assigned to you appear here.",
  unassigned: "Every conversation has someone.",
  all: "No conversations yet. Messages to your connected numbers appear here.",
};

/** The conversation list: Mine / Unassigned / All, newest activity first, live re-ordering, search. */
export function ConversationList({ selected }: { selected: string | null }) {
  // A person starts on their own; the admin token (nobody can assign it) on everything.
  const list = useModel(() => new ConversationListModel(me.peek()?.user ? "me" : "all"));
  const items = list.items.value;
  const next = list.next.value;
  const view = list.view.value;

  return (
    <aside class="inbox-list" aria-label="Conversations">
      <div class="inbox-views" role="tablist" aria-label="Which conversations">
        {VIEWS.map((v) => (
          <button
            key={v.view}
            type="button"
            role="tab"
            aria-selected={view === v.view}
            class={view === v.view ? "on" : undefined}
            onClick={() => list.show(v.view)}
          >
            {v.label}
          </button>
        ))}
      </div>
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
        <p class="empty">{list.q.value ? "No conversation matches." : EMPTY[view]}</p>
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
                  {c.assignee && (
                    <span class="conv-assignee" data-testid="conv-assignee">
                      {" "}
                      · {c.assignee.id === me.value?.user?.id ? "you" : c.assignee.name}
                    </span>
                  )}
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

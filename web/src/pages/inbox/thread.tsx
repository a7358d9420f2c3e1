import { Fragment } from "preact";
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { ConversationView, MessagesChanged, MessageView, Page } from "../../../../worker/shared/inbox";
import { ApiError, api, qs } from "../../api/client";
import { useLive } from "../../state/realtime";
import { Bubble } from "./bubble";
import { Composer } from "./composer";
import { dayLabel } from "./format";

const PAGE = 50;

function merge(cur: MessageView[], incoming: MessageView[]): MessageView[] {
  const byId = new Map(cur.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
}

/** One conversation: bubbles (newest at the bottom), ticks, media, composer, agent pause. */
export function Thread({ id }: { id: string }) {
  const [conv, setConv] = useState<ConversationView | null>(null);
  const [messages, setMessages] = useState<MessageView[]>([]);
  const [older, setOlder] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notFound, setNotFound] = useState(false);
  const { route } = useLocation();
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  const loadConv = useCallback(async () => {
    try {
      setConv(await api.get<ConversationView>(`/api/conversations/${id}`));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return setNotFound(true);
      setError(err instanceof ApiError ? err.message : "Could not load the conversation");
    }
  }, [id]);
  const loadNewest = useCallback(async () => {
    const page = await api.get<Page<MessageView>>(`/api/conversations/${id}/messages${qs({ limit: PAGE })}`);
    setMessages((cur) => merge(cur, page.items));
    setOlder((o) => o ?? page.next_cursor);
  }, [id]);
  const markRead = useCallback(() => void api.post(`/api/conversations/${id}/read`).catch(() => undefined), [id]);

  useEffect(() => {
    setMessages([]);
    setOlder(null);
    setConv(null);
    stick.current = true;
    void loadConv();
    void loadNewest().catch(() => undefined);
    markRead();
  }, [id]);

  useLive(["messages"], (e) => {
    const data = e?.data as MessagesChanged | undefined;
    if (e && data?.conversation_id !== id) return;
    void loadNewest().catch(() => undefined);
    if (document.visibilityState === "visible") markRead();
  });
  useLive(["conversations"], (e) => {
    if (!e || e.id === id) void loadConv();
  });
  // Messages that arrived while the tab was hidden were left unread; coming back to the open
  // thread reads them (only when the conversation is known to have unread ones, or not loaded yet).
  const convRef = useRef(conv);
  convRef.current = conv;
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === "visible" && (convRef.current?.unread_count ?? 1) > 0) markRead();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [markRead]);

  // Older messages go in above the ones being read: keep the same distance from the bottom.
  const fromBottom = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (fromBottom.current !== null) {
      el.scrollTop = el.scrollHeight - fromBottom.current;
      fromBottom.current = null;
    } else if (stick.current) el.scrollTop = el.scrollHeight;
  }, [messages]);

  const loadOlder = async () => {
    if (!older) return;
    const page = await api.get<Page<MessageView>>(`/api/conversations/${id}/messages${qs({ limit: PAGE, before: older })}`);
    stick.current = false;
    const el = scroller.current;
    if (el) fromBottom.current = el.scrollHeight - el.scrollTop;
    setMessages((cur) => merge(cur, page.items));
    setOlder(page.next_cursor);
  };
  const retry = async (m: MessageView) => {
    try {
      const updated = await api.post<MessageView>(`/api/conversations/${id}/messages/${m.id}/retry`);
      setMessages((cur) => merge(cur, [updated]));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not retry");
    }
  };
  const archive = async () => {
    if (!conv || !confirm(`Archive the conversation with ${conv.contact_name || conv.contact_number}? A new message from them starts a new conversation.`))
      return;
    try {
      await api.post(`/api/conversations/${id}/archive`);
      route("/inbox");
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not archive the conversation");
    }
  };
  const togglePause = async () => {
    if (!conv) return;
    try {
      setConv(await api.post<ConversationView>(`/api/conversations/${id}/agent`, { paused: !conv.agent_paused }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not change the agent");
    }
  };

  if (notFound)
    return (
      <section class="thread thread-empty" aria-label="Conversation" data-testid="thread-not-found">
        <p class="empty">
          This conversation does not exist (or was deleted).
          <br />
          <a href="/inbox">Back to conversations</a>
        </p>
      </section>
    );

  return (
    <section class="thread" aria-label="Conversation">
      <header class="thread-head">
        <a href="/inbox" class="thread-back" aria-label="Back to conversations">
          ←
        </a>
        <div class="thread-who">
          <strong>{conv ? conv.contact_name || conv.contact_number : "…"}</strong>
          {conv && (
            <div class="small muted">
              {conv.contact_number} · {conv.instance_name}
              {conv.status === "archived" ? " · archived" : ""}
            </div>
          )}
          {conv?.flow && (
            <div class="small flow-badge" data-testid="flow-badge" title={`Menu running until ${new Date(conv.flow.expires_at).toLocaleTimeString()}`}>
              In menu “{conv.flow.name}” · step {conv.flow.step}
            </div>
          )}
        </div>
        {conv && (
          <label class="agent-toggle small" title="Pause the AI agent on this conversation (a human takes over)">
            <input type="checkbox" checked={conv.agent_paused} onChange={togglePause} /> Agent paused
          </label>
        )}
        {conv?.status === "active" && (
          <button type="button" class="small thread-archive" onClick={archive}>
            Archive
          </button>
        )}
      </header>
      {conv?.agent_error && (
        <p class="agent-error inbox-pad" role="status" data-testid="agent-error">
          AI agent stopped: {conv.agent_error}. A person has the conversation; untick “Agent paused” to let the agent try again.
        </p>
      )}
      {conv?.status === "archived" && (
        <p class="archived-banner inbox-pad" role="status" data-testid="archived-banner">
          This conversation is archived. A message you send here goes to {conv.contact_name || conv.contact_number}’s current conversation.
        </p>
      )}
      {error && (
        <p class="error inbox-pad" role="alert">
          {error}
        </p>
      )}
      <div
        class="thread-messages"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget;
          stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 60;
        }}
      >
        {older && (
          <button class="link load-older" onClick={loadOlder}>
            Load older messages
          </button>
        )}
        {messages.length === 0 && <p class="empty">No messages yet. Say hello!</p>}
        {messages.map((m, i) => {
          const day = new Date(m.timestamp).toDateString();
          const newDay = i === 0 || new Date(messages[i - 1]!.timestamp).toDateString() !== day;
          return (
            <Fragment key={m.id}>
              {newDay && (
                <div class="day-separator small" role="separator" data-testid="day-separator">
                  <span>{dayLabel(m.timestamp)}</span>
                </div>
              )}
              <Bubble m={m} onRetry={retry} />
            </Fragment>
          );
        })}
      </div>
      <Composer
        conversationId={id}
        onSent={(m) => {
          // From an archived conversation the server files the message under the contact's
          // active one: follow it there.
          if (m.conversation_id !== id) return route(`/inbox/${m.conversation_id}`);
          stick.current = true;
          setMessages((cur) => merge(cur, [m]));
        }}
      />
    </section>
  );
}

import { useModel } from "@preact/signals";
import { Fragment } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";
import { useLocation } from "preact-iso";
import { ThreadModel } from "../../state/inbox-thread";
import { useViewing } from "../../state/presence";
import { Bubble } from "./bubble";
import { Composer } from "./composer";
import { dayLabel } from "./format";

/** One conversation: bubbles (newest at the bottom), ticks, media, composer, agent pause. */
export function Thread({ id }: { id: string }) {
  const thread = useModel(() => new ThreadModel(id));
  useViewing(id);
  const conv = thread.conv.value;
  const messages = thread.messages.value;
  const { route } = useLocation();
  const scroller = useRef<HTMLDivElement>(null);
  // Follow new messages while the reader is at the bottom; stay put once they scroll up.
  const stick = useRef(true);

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

  const loadOlder = () =>
    thread.loadOlder(() => {
      stick.current = false;
      const el = scroller.current;
      if (el) fromBottom.current = el.scrollHeight - el.scrollTop;
    });
  const archive = async () => {
    if (!conv || !confirm(`Archive the conversation with ${conv.contact_name || conv.contact_number}? A new message from them starts a new conversation.`))
      return;
    if (await thread.archive()) route("/inbox");
  };

  if (thread.notFound.value)
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
            <input type="checkbox" checked={conv.agent_paused} onChange={() => void thread.togglePause()} /> Agent paused
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
      {thread.error.value && (
        <p class="error inbox-pad" role="alert">
          {thread.error}
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
        {thread.older.value && (
          <button type="button" class="link load-older" onClick={() => void loadOlder()}>
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
                <div class="day-separator small" data-testid="day-separator">
                  <span>{dayLabel(m.timestamp)}</span>
                </div>
              )}
              <Bubble m={m} onRetry={(m) => void thread.retry(m)} />
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
          thread.show(m);
        }}
      />
    </section>
  );
}

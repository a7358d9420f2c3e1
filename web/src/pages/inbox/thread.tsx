import { useModel } from "@preact/signals";
import { Fragment } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";
import { useLocation } from "preact-iso";
import { NotesModel } from "../../state/inbox-notes";
import { ThreadModel } from "../../state/inbox-thread";
import { useViewing } from "../../state/presence";
import { RosterModel } from "../../state/roster";
import { Bubble } from "./bubble";
import { ComposeArea } from "./compose-area";
import { dayLabel } from "./format";
import { NoteCard } from "./note";
import { PresenceLine } from "./presence-line";
import { ThreadHead } from "./thread-head";
import { timeline } from "./timeline";

/** One conversation: bubbles and private notes (newest at the bottom), ticks, media, who has it, who is here, the composer. */
export function Thread({ id }: { id: string }) {
  const thread = useModel(() => new ThreadModel(id));
  useViewing(id);
  const notes = useModel(() => new NotesModel(id));
  const roster = useModel(RosterModel);
  const conv = thread.conv.value;
  const messages = thread.messages.value;
  const items = timeline(messages, notes.notes.value, thread.older.value === null);
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
  }, [items.length, messages]);

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
      <ThreadHead
        conv={conv}
        roster={roster}
        onAssign={(userId) => void thread.assign(userId)}
        onTogglePause={() => void thread.togglePause()}
        onArchive={archive}
      />
      <PresenceLine conversationId={id} />
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
      {notes.error.value && (
        <p class="error inbox-pad" role="alert">
          {notes.error}
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
        {items.length === 0 && <p class="empty">No messages yet. Say hello!</p>}
        {items.map((it, i) => (
          <Fragment key={it.key}>
            {(i === 0 || items[i - 1]!.day !== it.day) && (
              <div class="day-separator small" data-testid="day-separator">
                <span>{dayLabel(it.at)}</span>
              </div>
            )}
            {it.kind === "message" ? <Bubble m={it.message} onRetry={(m) => void thread.retry(m)} /> : <NoteCard note={it.note} />}
          </Fragment>
        ))}
      </div>
      <ComposeArea
        conversationId={id}
        notes={notes}
        roster={roster}
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

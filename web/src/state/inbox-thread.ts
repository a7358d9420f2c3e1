import { batch, createModel, effect, type ReadonlySignal, signal } from "@preact/signals";
import type { ConversationView, MessagesChanged, MessageView } from "../../../worker/shared/inbox";
import { ApiError, api, call, query } from "../api/client";
import { realtime } from "./realtime";

const PAGE = 50;

/** Messages by id (an incoming copy replaces the one held), oldest first. */
function merge(cur: MessageView[], incoming: MessageView[]): MessageView[] {
  const byId = new Map(cur.map((m) => [m.id, m]));
  for (const m of incoming) byId.set(m.id, m);
  return [...byId.values()].sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.id.localeCompare(b.id));
}

const message = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback);

/**
 * One open conversation: its header, its messages (the newest page, older pages on demand),
 * live updates, and reading — on open, on every new message while the tab is visible, and on
 * coming back to the tab.
 */
export const ThreadModel = createModel((id: string) => {
  const conv = signal<ConversationView | null>(null);
  const messages = signal<MessageView[]>([]);
  const older = signal<string | null>(null);
  const error = signal<string | null>(null);
  const notFound = signal(false);
  const param = { id };

  const loadConv = async () => {
    try {
      conv.value = await call(api.conversations[":id"].$get({ param }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) notFound.value = true;
      else error.value = message(err, "Could not load the conversation");
    }
  };
  const loadNewest = async () => {
    const page = await call(api.conversations[":id"].messages.$get({ param, query: query({ limit: PAGE }) }));
    batch(() => {
      messages.value = merge(messages.peek(), page.items);
      older.value = older.peek() ?? page.next_cursor;
    });
  };
  const markRead = () => void call(api.conversations[":id"].read.$post({ param })).catch(() => undefined);

  void loadConv();
  void loadNewest().catch(() => undefined);
  markRead();

  effect(() =>
    realtime.on(["messages"], (e) => {
      const data = e?.data as MessagesChanged | undefined;
      if (e && data?.conversation_id !== id) return;
      void loadNewest().catch(() => undefined);
      if (document.visibilityState === "visible") markRead();
    }),
  );
  effect(() =>
    realtime.on(["conversations"], (e) => {
      if (!e || e.id === id) void loadConv();
    }),
  );
  // Messages that arrived while the tab was hidden were left unread; coming back to the open
  // thread reads them (only when the conversation is known to have unread ones, or not loaded yet).
  effect(() => {
    const onVisible = () => {
      if (document.visibilityState === "visible" && (conv.peek()?.unread_count ?? 1) > 0) markRead();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  });

  return {
    conv: conv as ReadonlySignal<ConversationView | null>,
    messages: messages as ReadonlySignal<MessageView[]>,
    older: older as ReadonlySignal<string | null>,
    error: error as ReadonlySignal<string | null>,
    notFound: notFound as ReadonlySignal<boolean>,
    /** The page before the oldest shown; `beforeApply` runs just before it goes in (to keep the scroll). */
    async loadOlder(beforeApply?: () => void) {
      const before = older.peek();
      if (!before) return;
      const page = await call(api.conversations[":id"].messages.$get({ param, query: query({ limit: PAGE, before }) }));
      beforeApply?.();
      batch(() => {
        messages.value = merge(messages.peek(), page.items);
        older.value = page.next_cursor;
      });
    },
    /** A message the API just answered (sent, or retried) shows before the live refetch. */
    show(m: MessageView) {
      messages.value = merge(messages.peek(), [m]);
    },
    async retry(m: MessageView) {
      try {
        messages.value = merge(messages.peek(), [await call(api.conversations[":id"].messages[":messageId"].retry.$post({ param: { id, messageId: m.id } }))]);
      } catch (err) {
        error.value = message(err, "Could not retry");
      }
    },
    /** Archives the conversation; false (with the error shown) if the API refused. */
    async archive(): Promise<boolean> {
      try {
        await call(api.conversations[":id"].archive.$post({ param }));
        return true;
      } catch (err) {
        error.value = message(err, "Could not archive the conversation");
        return false;
      }
    },
    /** Gives the conversation to a person (null: nobody); the list moves it live. */
    async assign(userId: string | null) {
      try {
        conv.value = await call(api.conversations[":id"].assign.$post({ param, json: { user_id: userId } }));
      } catch (err) {
        error.value = message(err, "Could not assign the conversation");
      }
    },
    async togglePause() {
      const c = conv.peek();
      if (!c) return;
      try {
        conv.value = await call(api.conversations[":id"].agent.$post({ param, json: { paused: !c.agent_paused } }));
      } catch (err) {
        error.value = message(err, "Could not change the agent");
      }
    },
  };
});

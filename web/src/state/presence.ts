// Presence on the dashboard: who is online and who views or types in a conversation (the hub's
// `presence` frames, already filtered to what this person may see), and this tab's own state
// told to the hub: the conversation it shows and whether its person is typing there.
import { computed, type ReadonlySignal } from "@preact/signals";
import { useEffect } from "preact/hooks";
import type { PresencePerson } from "../../../worker/shared/ws-events";
import { realtime } from "./realtime";

/** While typing, tell the hub at most this often: it shows "typing" for 6 s after the last. */
const TYPING_EVERY_MS = 2500;

let viewing: string | null = null;
let typingSentAt = 0;

const tell = (typing: boolean) => realtime.send({ type: "presence", conversation_id: viewing, ...(typing ? { typing: true } : {}) });

// A new socket knows nothing of this tab: tell it again after every (re)connect.
realtime.on([], () => {
  typingSentAt = 0;
  if (viewing) tell(false);
});

/** Everyone with a dashboard open now, this person included (empty while the socket is down). */
export const online: ReadonlySignal<PresencePerson[]> = computed(() => realtime.presence.value?.people ?? []);

/** This person's user id as the hub knows it (null: signed in with the admin token; undefined: not told yet). */
export const me: ReadonlySignal<string | null | undefined> = computed(() => realtime.presence.value?.you);

/** The others viewing a conversation, those typing first (reactive when read in a render). */
export function viewersOf(conversationId: string): PresencePerson[] {
  const self = me.value;
  return online.value.filter((p) => p.viewing === conversationId && p.user_id !== self).sort((a, b) => Number(b.typing) - Number(a.typing));
}

/** This tab shows `id` (null: no conversation). */
export function viewConversation(id: string | null): void {
  if (viewing === id) return;
  viewing = id;
  typingSentAt = 0;
  tell(false);
}

/** A keystroke in the composer of `conversationId`: "typing" is told at most every 2.5 s. */
export function typingIn(conversationId: string): void {
  if (viewing !== conversationId) return;
  const now = Date.now();
  if (now - typingSentAt < TYPING_EVERY_MS) return;
  typingSentAt = now;
  tell(true);
}

/** The message was sent or the text cleared: no longer typing (at once, not when it lapses). */
export function stoppedTyping(): void {
  if (!typingSentAt) return;
  typingSentAt = 0;
  tell(false);
}

/** For the thread view: this tab views conversation `id` while mounted. */
export function useViewing(id: string): void {
  useEffect(() => {
    viewConversation(id);
    return () => {
      if (viewing === id) viewConversation(null);
    };
  }, [id]);
}

import { useRoute } from "preact-iso";
import { ConversationList } from "./list";
import { Thread } from "./thread";

/** /inbox (the list) and /inbox/<conversation_id> (list + thread; on a phone, the thread alone). */
export function Inbox() {
  const { params } = useRoute();
  const id = params.rest && /^cv_[0-9A-Za-z]{20}$/.test(params.rest) ? params.rest : null;
  return (
    <div class={`inbox${id ? " has-thread" : ""}`}>
      <ConversationList selected={id} />
      {id ? (
        <Thread key={id} id={id} />
      ) : (
        <section class="thread thread-empty">
          <p class="empty">Pick a conversation.</p>
        </section>
      )}
    </div>
  );
}

import { dismiss, type Toast, toasts } from "../../state/notifications";

const headline = (t: Toast) => (t.kind === "mention" ? `${t.by} mentioned you` : `${t.by} assigned you a conversation`);

/** Mentions and assignments for this person, top right; a click opens the conversation. */
export function Toasts() {
  const list = toasts.value;
  if (list.length === 0) return null;
  return (
    <div class="toasts" aria-live="polite">
      {list.map((t) => (
        <div key={t.key} class={`toast toast-${t.kind}`} role="status" data-testid="toast" data-kind={t.kind}>
          <a href={`/inbox/${t.conversation_id}`} onClick={() => dismiss(t.key)}>
            <strong>{headline(t)}</strong>
            {t.text && <span class="toast-text small">{t.text}</span>}
          </a>
          <button type="button" class="link" aria-label="Dismiss" onClick={() => dismiss(t.key)}>
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

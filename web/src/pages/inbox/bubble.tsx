import type { MessageView } from "../../../../worker/shared/inbox";
import { clockTime, failureSentence, fullDateTime, waitingSentence } from "./format";

const TICKS: Record<MessageView["status"], { mark: string; label: string }> = {
  pending: { mark: "○", label: "Sending" },
  sent: { mark: "✓", label: "Sent" },
  delivered: { mark: "✓✓", label: "Delivered" },
  read: { mark: "✓✓", label: "Read" },
  failed: { mark: "!", label: "Failed" },
};

/** A clock drawn inline: the headless and minimal systems the dashboard runs on may lack an emoji font. */
const Clock = () => (
  <svg class="bubble-clock" viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
    <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5" />
    <path d="M8 4.5V8l2.5 1.5" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round" />
  </svg>
);

function Media({ m }: { m: MessageView }) {
  if (m.deleted_at) return null;
  if (!m.content) {
    // On a pending message of ours the error is the waiting note (shown under the bubble), not a media problem.
    if (m.error && m.status !== "pending") return <div class="media-missing small">{m.error}</div>;
    return <div class="media-missing small muted">{m.media_pending ? `Loading ${m.type}…` : `[${m.type}]`}</div>;
  }
  switch (m.type) {
    case "image":
      return <img class="bubble-image" src={m.content} alt={m.caption ?? "Image"} loading="lazy" />;
    case "video":
      // biome-ignore lint/a11y/useMediaCaption: WhatsApp media come without a caption track; a caption, when sent, shows as text below.
      return <video class="bubble-video" src={m.content} controls preload="metadata" />;
    case "audio":
      // biome-ignore lint/a11y/useMediaCaption: a voice note or audio file from WhatsApp has no caption track to offer.
      return <audio class="bubble-audio" src={m.content} controls preload="metadata" />;
    case "document":
      return (
        <a class="bubble-doc" href={m.content} download={m.file_name ?? "document"}>
          ↓ {m.file_name ?? "Document"}
        </a>
      );
    default:
      return null;
  }
}

export function Bubble({ m, onRetry }: { m: MessageView; onRetry: (m: MessageView) => void }) {
  const tick = TICKS[m.status];
  return (
    <div class={`bubble-row${m.from_me ? " mine" : ""}`}>
      <div class={`bubble${m.status === "failed" ? " failed" : ""}`} data-testid="message" data-id={m.id} data-status={m.status} data-type={m.type}>
        {m.from_me && (m.sender !== "user" || m.sender_name) && (
          <div class="bubble-sender small muted" data-testid="sender">
            {m.sender === "user" ? m.sender_name : m.sender === "phone" ? "from the phone" : m.sender}
          </div>
        )}
        {m.deleted_at ? (
          <em class="muted">This message was deleted</em>
        ) : m.type === "text" ? (
          <div class="bubble-text">{m.content}</div>
        ) : (
          <>
            <Media m={m} />
            {m.caption && <div class="bubble-text">{m.caption}</div>}
          </>
        )}
        <div class="bubble-meta small">
          <time dateTime={m.timestamp} title={fullDateTime(m.timestamp)}>
            {clockTime(m.timestamp)}
          </time>
          {m.from_me && (
            <span class={`tick tick-${m.status}`} data-testid="tick" title={tick.label} role="img" aria-label={tick.label}>
              {tick.mark}
            </span>
          )}
        </div>
        {m.from_me && m.status === "pending" && m.error && (
          <div class="bubble-waiting small" data-testid="pending-note" title={m.error}>
            <Clock /> {waitingSentence(m.error)}
          </div>
        )}
        {m.status === "failed" && (
          <div class="bubble-failed small">
            <span title={m.error ?? undefined} data-testid="failure">
              {failureSentence(m.error)}
            </span>
            <button type="button" class="link" onClick={() => onRetry(m)}>
              Retry
            </button>
          </div>
        )}
      </div>
    </div>
  );
}

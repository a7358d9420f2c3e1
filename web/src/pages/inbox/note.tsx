import type { Note } from "../../state/inbox-notes";
import { me } from "../../state/me";
import { clockTime, fullDateTime } from "./format";

/** The note's text with its @mentions marked (each mentioned name, as written, once per occurrence). */
function withMentions(text: string, names: string[]) {
  if (names.length === 0) return text;
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).sort((a, b) => b.length - a.length);
  const parts = text.split(new RegExp(`(@(?:${escaped.join("|")}))`, "g"));
  return parts.map((p, i) =>
    i % 2 === 1 ? (
      <mark key={i} class="mention">
        {p}
      </mark>
    ) : (
      p
    ),
  );
}

/** A private note in the thread: full width, amber, labelled — never shaped like a WhatsApp bubble. */
export function NoteCard({ note }: { note: Note }) {
  const mine = note.author.id === me.value?.user?.id;
  return (
    <div class="note" data-testid="note" data-id={note.id} role="note" aria-label={`Private note by ${note.author.name}`}>
      <div class="note-head small">
        <svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true">
          <rect x="3" y="7" width="10" height="7" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.5" />
          <path d="M5.5 7V5a2.5 2.5 0 0 1 5 0v2" fill="none" stroke="currentColor" stroke-width="1.5" />
        </svg>
        <strong>Private note</strong> · {mine ? "you" : note.author.name}
        <time class="muted" dateTime={note.created_at} title={fullDateTime(note.created_at)}>
          {clockTime(note.created_at)}
        </time>
      </div>
      <div class="note-text">
        {withMentions(
          note.text,
          note.mentions.map((m) => m.name),
        )}
      </div>
    </div>
  );
}

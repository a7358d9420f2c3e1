import type { MessageView } from "../../../../worker/shared/inbox";
import type { Note } from "../../state/inbox-notes";

export type TimelineItem = { key: string; at: string; day: string } & ({ kind: "message"; message: MessageView } | { kind: "note"; note: Note });

/**
 * Messages and private notes in one column, oldest first (a note sits where it was written).
 * While older messages are still to load (`complete` false), notes before the oldest shown wait
 * with them, so nothing appears above "Load older messages" that belongs among them.
 */
export function timeline(messages: MessageView[], notes: Note[], complete: boolean): TimelineItem[] {
  const from = complete ? "" : (messages[0]?.timestamp ?? "");
  const items: TimelineItem[] = [
    ...messages.map((m) => ({ key: m.id, at: m.timestamp, day: new Date(m.timestamp).toDateString(), kind: "message" as const, message: m })),
    ...notes
      .filter((n) => n.created_at >= from)
      .map((n) => ({ key: n.id, at: n.created_at, day: new Date(n.created_at).toDateString(), kind: "note" as const, note: n })),
  ];
  return items.sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}

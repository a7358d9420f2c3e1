import type { Member } from "../../state/roster";

/** The `@word` being typed just before the caret, or null. */
export function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([^\s@]{0,40})$/.exec(text.slice(0, caret));
  return m ? { start: caret - m[2]!.length - 1, query: m[2]! } : null;
}

/** People whose name or e-mail starts a word with the query. */
export function matching(people: Member[], query: string): Member[] {
  const q = query.toLowerCase();
  return people
    .filter(
      (p) =>
        p.name
          .toLowerCase()
          .split(/\s+/)
          .some((w) => w.startsWith(q)) || p.email.toLowerCase().startsWith(q),
    )
    .slice(0, 8);
}

/** The list under the note box while an @name is typed. */
export function MentionPicker({ people, active, onPick }: { people: Member[]; active: number; onPick: (p: Member) => void }) {
  if (people.length === 0) return <div class="mention-picker mention-none small muted">Nobody by that name.</div>;
  return (
    <div class="mention-picker" role="listbox" aria-label="Mention someone">
      {people.map((p, i) => (
        <button
          key={p.id}
          type="button"
          role="option"
          tabIndex={-1}
          aria-selected={i === active}
          class={i === active ? "on" : undefined}
          // mousedown, not click: the textarea keeps its focus and caret.
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(p);
          }}
        >
          <strong>{p.name}</strong> <span class="small muted">{p.role}</span>
        </button>
      ))}
    </div>
  );
}

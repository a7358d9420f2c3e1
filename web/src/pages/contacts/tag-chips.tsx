import { useState } from "preact/hooks";
import type { Match, TagCount } from "./types";

/** Chips shown before "Show all tags"; selected tags always show. */
const FIRST_CHIPS = 24;

/** Tag filter chips with their live contact counts, and the all/any switch. */
export function TagChips({
  tags,
  selected,
  match,
  onChange,
}: {
  tags: TagCount[] | null;
  selected: string[];
  match: Match;
  onChange: (selected: string[], match: Match) => void;
}) {
  const [all, setAll] = useState(false);
  if (tags === null) return <div class="tag-chips muted small">Loading tags…</div>;
  if (tags.length === 0 && selected.length === 0) return <div class="tag-chips muted small">No tags yet.</div>;
  const counts = new Map(tags.map((t) => [t.tag, t.count]));
  const shown = all ? tags : tags.slice(0, FIRST_CHIPS);
  // A selected tag stays visible even when it is past the cut or no contact has it any more.
  const extra = selected.filter((t) => !shown.some((s) => s.tag === t)).map((t) => ({ tag: t, count: counts.get(t) ?? 0 }));
  const toggle = (tag: string) => onChange(selected.includes(tag) ? selected.filter((t) => t !== tag) : [...selected, tag], match);
  return (
    <fieldset class="tag-chips chip-group" aria-label="Filter by tag">
      {[...shown, ...extra].map((t) => {
        const on = selected.includes(t.tag);
        return (
          <button
            type="button"
            key={t.tag}
            class={on ? "chip on" : "chip"}
            aria-pressed={on}
            data-testid="tag-chip"
            data-tag={t.tag}
            onClick={() => toggle(t.tag)}
          >
            <span class="chip-name">{t.tag}</span>
            <span class="chip-count" data-testid="tag-count">
              {t.count.toLocaleString("en-US")}
            </span>
          </button>
        );
      })}
      {tags.length > FIRST_CHIPS && (
        <button type="button" class="link small" onClick={() => setAll(!all)}>
          {all ? "Fewer tags" : `All ${tags.length} tags`}
        </button>
      )}
      <span class="match-switch" title="Contacts with all the selected tags, or with any of them" role="radiogroup" aria-label="Tag match">
        {(["all", "any"] as const).map((m) => (
          <label key={m} class={match === m ? "on" : undefined}>
            <input type="radio" name="tag-match" value={m} checked={match === m} onChange={() => onChange(selected, m)} />
            {m === "all" ? "All tags" : "Any tag"}
          </label>
        ))}
      </span>
    </fieldset>
  );
}

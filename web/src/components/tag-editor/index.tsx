import { useState } from "preact/hooks";

/** Tags are stored trimmed and lower-case, and may not hold commas or semicolons (the API's rule). */
export function normaliseTag(raw: string): string {
  return raw.trim().toLowerCase();
}

/** Chips with a remove button each, plus an input that adds on Enter or comma. */
export function TagEditor({
  tags,
  onChange,
  suggestions = [],
  label = "Tags",
  id = "tag-editor",
}: {
  tags: string[];
  onChange: (tags: string[]) => void;
  suggestions?: string[];
  label?: string;
  id?: string;
}) {
  const [draft, setDraft] = useState("");
  const add = (raw: string) => {
    const parts = raw
      .split(/[,;]/)
      .map(normaliseTag)
      .filter((t) => t !== "");
    const next = [...tags];
    for (const t of parts) if (!next.includes(t)) next.push(t);
    if (next.length !== tags.length) onChange(next);
    setDraft("");
  };
  const listId = `${id}-suggestions`;
  return (
    <div class="tag-editor">
      <div class="tag-editor-chips">
        {tags.map((t) => (
          <span class="tag removable" key={t}>
            {t}
            <button type="button" class="tag-x" aria-label={`Remove tag ${t}`} onClick={() => onChange(tags.filter((x) => x !== t))}>
              ×
            </button>
          </span>
        ))}
      </div>
      <div class="row tag-editor-input">
        <input
          id={id}
          aria-label={label}
          value={draft}
          list={suggestions.length ? listId : undefined}
          placeholder="Add a tag, press Enter"
          maxLength={50}
          onInput={(e) => {
            const v = e.currentTarget.value;
            if (/[,;]/.test(v)) add(v);
            else setDraft(v);
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              add(draft);
            } else if (e.key === "Backspace" && draft === "" && tags.length) onChange(tags.slice(0, -1));
          }}
          onBlur={() => draft.trim() && add(draft)}
        />
        <button type="button" onClick={() => add(draft)} disabled={!draft.trim()}>
          Add
        </button>
      </div>
      {suggestions.length > 0 && (
        <datalist id={listId}>
          {suggestions
            .filter((s) => !tags.includes(s))
            .map((s) => (
              <option key={s} value={s} />
            ))}
        </datalist>
      )}
    </div>
  );
}

import { useMemo } from "preact/hooks";

export type JsonObjectResult = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** Parses text that must hold a JSON object (not an array, string or null); empty text is {}. */
export function parseJsonObject(text: string): JsonObjectResult {
  if (text.trim() === "") return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, error: `Must be a JSON object ({ … }), not ${Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`}` };
  return { ok: true, value: value as Record<string, unknown> };
}

/** A textarea validated as a JSON object on every keystroke; the parse error shows under it. */
export function JsonEditor({
  value,
  onInput,
  label,
  id,
  error,
  rows = 8,
}: {
  value: string;
  onInput: (text: string) => void;
  label: string;
  id: string;
  /** An error from the server, shown when the text itself parses. */
  error?: string;
  rows?: number;
}) {
  const parsed = useMemo(() => parseJsonObject(value), [value]);
  const shown = parsed.ok ? error : parsed.error;
  return (
    <div class="json-editor">
      <label for={id}>{label}</label>
      <textarea
        id={id}
        class={parsed.ok ? "mono" : "mono invalid"}
        rows={rows}
        spellcheck={false}
        value={value}
        aria-invalid={!parsed.ok}
        aria-describedby={`${id}-status`}
        onInput={(e) => onInput(e.currentTarget.value)}
      />
      <span id={`${id}-status`} class={shown ? "field-error" : "small muted"}>
        {shown ?? "Valid JSON object"}
      </span>
    </div>
  );
}

import { useEffect, useState } from "preact/hooks";
import type { AudienceResult } from "../../../../worker/shared/campaigns";
import { api } from "../../api/client";

type TagCount = { tag: string; count: number };

/** Tag chips with all/any and the live recipient count (POST /api/campaigns/audience, debounced). */
export function AudiencePicker(props: {
  tags: string[];
  match: "all" | "any";
  contactIds: string[];
  onChange: (tags: string[], match: "all" | "any") => void;
  onAudience: (a: AudienceResult | null) => void;
  error?: string;
}) {
  const { tags, match, contactIds } = props;
  const [all, setAll] = useState<TagCount[]>([]);
  const [audience, setAudience] = useState<AudienceResult | null>(null);
  useEffect(() => void api.get<TagCount[]>("/api/tags").then(setAll, () => setAll([])), []);
  useEffect(() => {
    const ctl = setTimeout(async () => {
      if (!tags.length && !contactIds.length) return (setAudience(null), props.onAudience(null));
      try {
        const a = await api.post<AudienceResult>("/api/campaigns/audience", { target_tags: tags, match, contact_ids: contactIds });
        setAudience(a);
        props.onAudience(a);
      } catch {
        setAudience(null);
      }
    }, 200);
    return () => clearTimeout(ctl);
  }, [tags.join(","), match, contactIds.join(",")]);

  const toggle = (t: string) => props.onChange(tags.includes(t) ? tags.filter((x) => x !== t) : [...tags, t], match);
  return (
    <fieldset>
      <legend>Recipients</legend>
      <div class="tag-chips" role="group" aria-label="Target tags">
        {all.map((t) => (
          <button
            type="button"
            key={t.tag}
            class={`chip ${tags.includes(t.tag) ? "on" : ""}`}
            aria-pressed={tags.includes(t.tag)}
            onClick={() => toggle(t.tag)}
          >
            <span class="chip-name">{t.tag}</span> <span class="chip-count">{t.count}</span>
          </button>
        ))}
        {all.length === 0 && <span class="small muted">No tags yet: tag contacts on the contacts page.</span>}
        <span class="match-switch">
          <button type="button" class={match === "all" ? "on" : ""} onClick={() => props.onChange(tags, "all")}>
            all
          </button>
          <button type="button" class={match === "any" ? "on" : ""} onClick={() => props.onChange(tags, "any")}>
            any
          </button>
        </span>
      </div>
      {contactIds.length > 0 && <p class="small">Plus {contactIds.length} contacts selected on the contacts page.</p>}
      <p class="cmp-audience" data-testid="audience-count" aria-live="polite">
        {audience ? (
          <>
            <strong>{audience.count}</strong> recipients (opted-out contacts excluded)
          </>
        ) : (
          <span class="muted">Pick tags to see the audience</span>
        )}
      </p>
      {props.error && <span class="field-error">{props.error}</span>}
    </fieldset>
  );
}

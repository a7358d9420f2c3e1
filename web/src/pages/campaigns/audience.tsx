import type { CampaignForm } from "../../state/campaign-form";

/** Tag chips with all/any and the live recipient count (the form model asks the API, debounced). */
export function AudiencePicker({ form, error }: { form: CampaignForm; error?: string }) {
  const tags = form.tags.value;
  const match = form.match.value;
  const audience = form.audience.value;
  const all = form.tagCounts.value;
  return (
    <fieldset>
      <legend>Recipients</legend>
      <fieldset class="tag-chips chip-group" aria-label="Target tags">
        {all.map((t) => (
          <button
            type="button"
            key={t.tag}
            class={`chip ${tags.includes(t.tag) ? "on" : ""}`}
            aria-pressed={tags.includes(t.tag)}
            onClick={() => form.toggleTag(t.tag)}
          >
            <span class="chip-name">{t.tag}</span> <span class="chip-count">{t.count}</span>
          </button>
        ))}
        {all.length === 0 && <span class="small muted">No tags yet: tag contacts on the contacts page.</span>}
        <span class="match-switch">
          <button type="button" class={match === "all" ? "on" : ""} onClick={() => form.setMatch("all")}>
            all
          </button>
          <button type="button" class={match === "any" ? "on" : ""} onClick={() => form.setMatch("any")}>
            any
          </button>
        </span>
      </fieldset>
      {form.contactCount.value > 0 && <p class="small">Plus {form.contactCount} contacts selected on the contacts page.</p>}
      <p class="cmp-audience" data-testid="audience-count" aria-live="polite">
        {audience ? (
          <>
            <strong>{audience.count}</strong> recipients (opted-out contacts excluded)
          </>
        ) : (
          <span class="muted">Pick tags to see the audience</span>
        )}
      </p>
      {error && <span class="field-error">{error}</span>}
    </fieldset>
  );
}

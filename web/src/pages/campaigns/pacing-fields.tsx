import type { PacingForm } from "../../state/campaign-form";

export function PacingFields({ value: p, onChange, errors }: { value: PacingForm; onChange: (p: PacingForm) => void; errors: Record<string, string> }) {
  const set = (patch: Partial<PacingForm>) => onChange({ ...p, ...patch });
  const rate = Number(p.perMinute);
  return (
    <fieldset class="cmp-pacing">
      <legend>Pacing</legend>
      <p class="small muted">WhatsApp bans numbers that blast messages. Every campaign on a number shares its rate; sends are spaced with random jitter.</p>
      <div class="cmp-grid">
        <label>
          Messages per minute
          <input name="per_minute" type="number" min={1} max={600} value={p.perMinute} onInput={(e) => set({ perMinute: e.currentTarget.value })} />
          {errors["pacing.per_minute"] && <span class="field-error">{errors["pacing.per_minute"]}</span>}
        </label>
        <label>
          Random jitter (%)
          <input name="jitter_pct" type="number" min={0} max={90} value={p.jitter} onInput={(e) => set({ jitter: e.currentTarget.value })} />
        </label>
        <label>
          Daily cap (optional)
          <input name="daily_cap" type="number" min={1} value={p.dailyCap} onInput={(e) => set({ dailyCap: e.currentTarget.value })} placeholder="no cap" />
        </label>
      </div>
      {rate > 20 && <p class="small error">Above 20 per minute the number is at real risk of a ban.</p>}
      <label class="row">
        <input type="checkbox" checked={p.windowOn} onChange={(e) => set({ windowOn: e.currentTarget.checked })} /> Only send between
      </label>
      {p.windowOn && (
        <div class="cmp-grid">
          <label>
            From
            <input type="time" value={p.start} onInput={(e) => set({ start: e.currentTarget.value })} />
          </label>
          <label>
            To
            <input type="time" value={p.end} onInput={(e) => set({ end: e.currentTarget.value })} />
          </label>
          <label>
            Time zone
            <input value={p.timezone} onInput={(e) => set({ timezone: e.currentTarget.value })} />
            {errors["pacing.window.timezone"] && <span class="field-error">{errors["pacing.window.timezone"]}</span>}
          </label>
        </div>
      )}
    </fieldset>
  );
}

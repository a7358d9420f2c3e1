import type { CampaignView } from "../../../../worker/shared/campaigns";

const pct = (n: number, of: number) => (of > 0 ? (n / of) * 100 : 0);

/** Sent / failed / skipped / pending as one stacked bar; data-done is the settled share. */
export function Progress({ c }: { c: CampaignView }) {
  const total = c.contact_count;
  const settled = c.sent + c.failed + c.skipped;
  const done = total > 0 ? Math.round(pct(settled, total)) : c.status === "completed" ? 100 : 0;
  return (
    <div class="cmp-progress" role="progressbar" aria-label="Campaign progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={done} data-done={done}>
      <div class="cmp-bar">
        <span class="seg sent" style={{ width: `${pct(c.sent, total)}%` }} />
        <span class="seg failed" style={{ width: `${pct(c.failed, total)}%` }} />
        <span class="seg skipped" style={{ width: `${pct(c.skipped, total)}%` }} />
      </div>
      <div class="cmp-legend small">
        <span>
          <i class="sw sent" /> {c.sent} sent
        </span>
        <span>
          <i class="sw failed" /> {c.failed} failed
        </span>
        {c.skipped > 0 && (
          <span>
            <i class="sw skipped" /> {c.skipped} skipped
          </span>
        )}
        <span>
          <i class="sw pending" /> {c.pending} pending
        </span>
        <span class="muted">
          {done}% of {total}
        </span>
      </div>
    </div>
  );
}

export function StatusBadge({ status }: { status: CampaignView["status"] }) {
  return (
    <span class={`cmp-status ${status}`} data-testid="campaign-status">
      {status.replace("_", " ")}
    </span>
  );
}

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "—");

/**
 * Why a paused campaign is paused. Paused by the instance's breaker (Evolution not answering) it
 * is no failure: it resumes by itself when Evolution answers (Resume stays available). A user's
 * or a disconnected number's pause reads as before.
 */
export function PauseReason({ c, compact = false }: { c: CampaignView; compact?: boolean }) {
  if (c.status !== "paused" || !c.pause_reason) return null;
  const auto = c.paused_by === "breaker";
  const Tag = compact ? "div" : "p";
  return (
    <Tag class={`${auto ? "warn-text" : "error"}${compact ? " small" : ""}`} data-testid={compact ? undefined : "pause-reason"} data-paused-by={c.paused_by}>
      {c.pause_reason}
      {auto && <span data-testid="auto-resume"> — it resumes by itself when Evolution answers{compact ? "" : " (or Resume it now)"}.</span>}
    </Tag>
  );
}

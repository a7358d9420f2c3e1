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

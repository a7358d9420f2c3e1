import { useCallback, useEffect, useState } from "preact/hooks";
import type { CampaignDetail, CampaignRecipientView, RecipientStatus } from "../../../../worker/shared/campaigns";
import { ApiError, api, call, query } from "../../api/client";
import { PageHeader } from "../../components/page-header";
import { AdminOnly } from "../../components/role-gate";
import { useLive } from "../../state/realtime";
import { PauseReason, Progress, StatusBadge, when } from "./progress";

const FILTERS: (RecipientStatus | "")[] = ["", "pending", "sent", "delivered", "read", "replied", "failed", "skipped"];
type Page = { items: CampaignRecipientView[]; next_cursor: string | null };

export function ShowCampaign({ id }: { id: string }) {
  const [c, setC] = useState<CampaignDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState<RecipientStatus | "">("");
  const [rows, setRows] = useState<Page | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setC(await call(api.campaigns[":id"].$get({ param: { id } })));
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load the campaign");
    }
  }, [id]);
  const loadRows = useCallback(
    async (cursor?: string) => {
      const page = await call(api.campaigns[":id"].recipients.$get({ param: { id }, query: query({ status: filter, cursor, limit: 100 }) }));
      setRows((prev) => (cursor && prev ? { items: [...prev.items, ...page.items], next_cursor: page.next_cursor } : page));
    },
    [id, filter],
  );
  useEffect(() => void load(), [load]);
  useEffect(() => void loadRows().catch(() => setRows(null)), [loadRows]);
  useLive(["campaigns"], (e) => {
    if (e?.id && e.id !== id) return;
    void load();
    void loadRows().catch(() => undefined);
  });

  const act = async (action: "start" | "pause" | "resume" | "cancel") => {
    if (action === "cancel" && !confirm("Cancel this campaign? Recipients not sent yet are skipped.")) return;
    setBusy(true);
    try {
      setC(await call(api.campaigns[":id"][action].$post({ param: { id } })));
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : `Could not ${action}`);
    } finally {
      setBusy(false);
    }
  };

  if (!c)
    return (
      <section>
        {error ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : (
          <p class="muted">Loading…</p>
        )}
      </section>
    );
  const p = c.pacing;
  return (
    <section class="cmp-show">
      <PageHeader title={c.name}>
        <AdminOnly>
          {(c.status === "pending" || c.status === "scheduled") && (
            <button type="button" class="primary" disabled={busy} onClick={() => act("start")}>
              Start now
            </button>
          )}
          {(c.status === "in_progress" || c.status === "scheduled") && (
            <button type="button" disabled={busy} onClick={() => act("pause")}>
              Pause
            </button>
          )}
          {c.status === "paused" && (
            <button type="button" class="primary" disabled={busy} onClick={() => act("resume")}>
              Resume
            </button>
          )}
          {["pending", "scheduled", "in_progress", "paused"].includes(c.status) && (
            <button type="button" class="danger" disabled={busy} onClick={() => act("cancel")}>
              Cancel
            </button>
          )}
        </AdminOnly>
      </PageHeader>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="card">
        <div class="row">
          <StatusBadge status={c.status} />
          <span class="small muted">from {c.instance_name ?? "a deleted instance"}</span>
          {c.scheduled_at && c.status === "scheduled" && <span class="small">starts {when(c.scheduled_at)}</span>}
        </div>
        <PauseReason c={c} />
        <Progress c={c} />
        <div class="cmp-counters">
          {(["contact_count", "sent", "failed", "skipped", "pending"] as const).map((k) => (
            <div key={k} data-testid={`count-${k}`}>
              <strong>{c[k]}</strong>
              <span class="small muted">{k === "contact_count" ? "recipients" : k}</span>
            </div>
          ))}
          {(["delivered", "read", "replied"] as const).map((k) => (
            <div key={k}>
              <strong>{c.recipients_by_status[k] ?? 0}</strong>
              <span class="small muted">{k}</span>
            </div>
          ))}
        </div>
        <p class="small muted">
          {p.per_minute > 0 ? `${p.per_minute}/min ±${p.jitter_pct}%` : "unpaced"}
          {p.daily_cap ? ` · at most ${p.daily_cap}/day` : ""}
          {p.window ? ` · ${p.window.start}–${p.window.end} ${p.window.timezone}` : ""} · tags {c.target_tags.join(c.match === "all" ? " + " : " or ") || "—"}
          {c.contact_ids_count ? ` · ${c.contact_ids_count} picked contacts` : ""} · created {when(c.created_at)} · started {when(c.started_at)}
        </p>
        {c.message && (
          <div class="cmp-preview">
            <div class="bubble">{c.message.content}</div>
            {c.message.has_attachment && <div class="small">📎 {c.message.file_name}</div>}
          </div>
        )}
      </div>
      <h2>Recipients</h2>
      <fieldset class="row chip-group" aria-label="Filter recipients">
        {FILTERS.map((f) => (
          <button type="button" key={f || "all"} class={`chip ${filter === f ? "on" : ""}`} aria-pressed={filter === f} onClick={() => setFilter(f)}>
            {f || "all"} {f && c.recipients_by_status[f] !== undefined && <span class="chip-count">{c.recipients_by_status[f]}</span>}
          </button>
        ))}
      </fieldset>
      <div class="cmp-table-wrap">
        <table class="cmp-table">
          <thead>
            <tr>
              <th>Contact</th>
              <th>Number</th>
              <th>Status</th>
              <th>Sent</th>
              <th>Error</th>
            </tr>
          </thead>
          <tbody>
            {rows?.items.map((r) => (
              <tr key={r.contact_id} data-status={r.status}>
                <td>{r.name ?? <span class="muted">—</span>}</td>
                <td class="mono">{r.whatsapp_number}</td>
                <td>
                  <span class={`cmp-rstatus ${r.status}`}>{r.status}</span>
                </td>
                <td class="small">{when(r.sent_at)}</td>
                <td class="small error">{r.error}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows && rows.items.length === 0 && <p class="empty">No recipients{filter ? ` ${filter}` : " yet (they are snapshotted when the campaign starts)"}.</p>}
        {rows?.next_cursor && (
          <button type="button" onClick={() => void loadRows(rows.next_cursor ?? undefined)}>
            Load more
          </button>
        )}
      </div>
    </section>
  );
}

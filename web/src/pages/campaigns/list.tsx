import { useCallback, useEffect, useState } from "preact/hooks";
import type { CampaignView } from "../../../../worker/shared/campaigns";
import { ApiError, api, call } from "../../api/client";
import { PageHeader } from "../../components/page-header";
import { AdminOnly } from "../../components/role-gate";
import { useLive } from "../../state/realtime";
import { PauseReason, Progress, StatusBadge, when } from "./progress";

export function CampaignList() {
  const [items, setItems] = useState<CampaignView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await call(api.campaigns.$get({ query: { limit: "100" } }))).items);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load campaigns");
    }
  }, []);
  useEffect(() => void load(), [load]);
  useLive(["campaigns"], () => void load());

  return (
    <section>
      <PageHeader title="Campaigns">
        <AdminOnly>
          <a href="/campaigns/new">
            <button type="button" class="primary">
              New campaign
            </button>
          </a>
        </AdminOnly>
      </PageHeader>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null ? (
        <p class="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty">No campaigns yet. Pick contacts by tag and send them a paced message.</p>
      ) : (
        <div class="cmp-list">
          {items.map((c) => (
            <a key={c.id} class="card cmp-card" href={`/campaigns/${c.id}`} data-testid="campaign-card" data-name={c.name}>
              <div class="row">
                <strong>{c.name}</strong>
                <span class="spacer" />
                <StatusBadge status={c.status} />
              </div>
              <Progress c={c} />
              <div class="small muted row">
                <span>{c.instance_name ?? "instance deleted"}</span>
                <span>· created {when(c.created_at)}</span>
                {c.started_at && <span>· started {when(c.started_at)}</span>}
              </div>
              <PauseReason c={c} compact />
            </a>
          ))}
        </div>
      )}
    </section>
  );
}

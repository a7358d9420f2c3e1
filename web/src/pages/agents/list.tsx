import { useState } from "preact/hooks";
import type { AgentView } from "../../../../worker/shared/agents";
import { ApiError, api, call } from "../../api/client";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { PageHeader } from "../../components/page-header";
import { AdminOnly } from "../../components/role-gate";
import { canAdmin } from "../../state/me";
import { useAgents } from "./use-agents";

export function AgentList() {
  const { agents, instances, error, reload } = useAgents();
  const [deleting, setDeleting] = useState<AgentView | null>(null);
  const nameOf = (id: string | null) => instances.find((i) => i.id === id)?.name ?? (id ? "deleted instance" : "no instance");
  return (
    <section class="agents">
      <PageHeader title="AI agents">
        <AdminOnly>
          <a href="/agents/new">
            <button type="button" class="primary">
              New agent
            </button>
          </a>
        </AdminOnly>
      </PageHeader>
      <p class="muted small agents-intro">
        An agent answers inbound messages on its WhatsApp number for contacts carrying one of its tags (the agent with the most matching tags wins; ties go to
        the oldest), and conversations a campaign assigned to it. A human message pauses it on that conversation.
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {agents === null ? (
        <p class="muted">Loading…</p>
      ) : agents.length === 0 ? (
        <p class="empty">No agents yet. Create one to let AI answer your contacts.</p>
      ) : (
        <ul class="agent-list">
          {agents.map((a) => (
            <AgentRow key={a.id} agent={a} instanceName={nameOf(a.instance_id)} onChanged={reload} onDelete={() => setDeleting(a)} />
          ))}
        </ul>
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete agent"
          confirmLabel="Delete"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await call(api.agents[":id"].$delete({ param: { id: deleting.id } }));
            await reload();
          }}
        >
          <p>
            Delete <strong>{deleting.name}</strong>? Conversations it was answering go back to tag routing.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function AgentRow({ agent: a, instanceName, onChanged, onDelete }: { agent: AgentView; instanceName: string; onChanged: () => void; onDelete: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const toggle = async () => {
    setBusy(true);
    setError(null);
    try {
      await call(api.agents[":id"].$patch({ param: { id: a.id }, json: { enabled: !a.enabled } }));
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Failed");
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class={`agent-row${a.enabled ? "" : " disabled"}`} data-testid="agent-row" data-name={a.name}>
      <div class="agent-main">
        {canAdmin.value ? (
          <a class="agent-name" href={`/agents/${a.id}`}>
            {a.name}
          </a>
        ) : (
          <strong class="agent-name">{a.name}</strong>
        )}
        <span class="small muted">
          {instanceName} · <span class="mono">{a.model}</span>
        </span>
        <div class="agent-tags">
          {a.assigned_tags.length ? (
            a.assigned_tags.map((t) => (
              <span class="tag" key={t}>
                {t}
              </span>
            ))
          ) : (
            <span class="small muted">no tags (campaign conversations only)</span>
          )}
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </div>
      <AdminOnly>
        <div class="agent-actions">
          <label class="switch">
            <input
              type="checkbox"
              role="switch"
              aria-checked={a.enabled}
              checked={a.enabled}
              disabled={busy}
              onChange={toggle}
              aria-label={`${a.name} enabled`}
            />
            <span>{a.enabled ? "Enabled" : "Disabled"}</span>
          </label>
          <a href={`/agents/${a.id}`}>
            <button type="button">Edit</button>
          </a>
          <button type="button" class="danger" onClick={onDelete}>
            Delete
          </button>
        </div>
      </AdminOnly>
    </li>
  );
}

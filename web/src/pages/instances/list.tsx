import { useCallback, useEffect, useState } from "preact/hooks";
import type { InstanceView } from "../../../../worker/shared/instances";
import { ApiError, api, call } from "../../api/client";
import { Modal } from "../../components/modal";
import { PageHeader } from "../../components/page-header";
import { AdminOnly } from "../../components/role-gate";
import { StatusDot } from "../../components/status-dot";
import { useLive } from "../../state/realtime";
import { EvolutionUnreachable } from "./unreachable";

export function InstanceList() {
  const [items, setItems] = useState<InstanceView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<InstanceView | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await call(api.instances.$get())).items);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load instances");
    }
  }, []);
  useEffect(() => void load(), [load]);
  useLive(["instances"], () => void load());

  return (
    <section>
      <PageHeader title="Instances">
        <AdminOnly>
          <a href="/instances/new">
            <button type="button" class="primary">
              Connect a number
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
        <p class="empty">No WhatsApp numbers yet. Connect one to start.</p>
      ) : (
        <div class="grid">
          {items.map((i) => (
            <InstanceCard key={i.id} instance={i} onEdit={() => setEditing(i)} onChanged={load} />
          ))}
        </div>
      )}
      {editing && <WebhookModal instance={editing} onClose={() => setEditing(null)} onSaved={load} />}
    </section>
  );
}

function InstanceCard({ instance: i, onEdit, onChanged }: { instance: InstanceView; onEdit: () => void; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onChanged();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Failed");
    } finally {
      setBusy(false);
    }
  };
  return (
    <article class="card instance-card" data-testid="instance-card" data-name={i.name}>
      <div class="row" style={{ justifyContent: "space-between" }}>
        <strong>{i.name}</strong>
        <StatusDot status={i.status} />
      </div>
      <div class="muted">{i.number}</div>
      {i.profile_name && <div class="small">WhatsApp name: {i.profile_name}</div>}
      {i.status === "closed" && i.disconnect_reason && <div class="small error">{i.disconnect_reason}</div>}
      <EvolutionUnreachable instance={i} />
      {error && (
        <div class="small error" role="alert">
          {error}
        </div>
      )}
      <AdminOnly>
        <div class="row" style={{ marginTop: "0.6rem" }} data-testid="instance-actions">
          {i.status !== "open" && (
            <a href={`/instances/${i.id}`}>
              <button type="button">{i.status === "pending" ? "Show QR" : "Reconnect"}</button>
            </a>
          )}
          <button type="button" onClick={onEdit}>
            Edit webhook
          </button>
          {i.status === "open" && (
            <button
              type="button"
              disabled={busy}
              onClick={() => confirm(`Log out ${i.name} from WhatsApp?`) && act(() => call(api.instances[":id"].logout.$post({ param: { id: i.id } })))}
            >
              Log out
            </button>
          )}
          <button
            type="button"
            class="danger"
            disabled={busy}
            onClick={() =>
              confirm(`Delete ${i.name}? Conversations keep their history.`) && act(() => call(api.instances[":id"].$delete({ param: { id: i.id } })))
            }
          >
            Delete
          </button>
        </div>
      </AdminOnly>
    </article>
  );
}

function WebhookModal({ instance, onClose, onSaved }: { instance: InstanceView; onClose: () => void; onSaved: () => void }) {
  const [url, setUrl] = useState(instance.webhook_url ?? "");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(api.instances[":id"].webhook.$patch({ param: { id: instance.id }, json: { url: url.trim() } }));
      onSaved();
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldErrors().url ?? err.message) : "Could not save");
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`Webhook for ${instance.name}`} onClose={onClose}>
      <form onSubmit={save}>
        <label>
          Webhook URL
          <input name="url" type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} required />
        </label>
        <p class="small muted">Evolution delivers this number's events here. Parley's own address is the default.</p>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="row" style={{ justifyContent: "flex-end" }}>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            Save
          </button>
        </div>
      </form>
    </Modal>
  );
}

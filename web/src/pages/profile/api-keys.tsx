import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError, api, call, type Ok } from "../../api/client";
import { ConfirmDialog } from "../../components/confirm-dialog";

type Key = Ok<Awaited<ReturnType<(typeof api)["api-keys"]["$get"]>>>["items"][number];
const at = (s: string | null) => (s ? new Date(s).toLocaleString() : "never");

/** Personal API keys: act with this person's role; the key is shown once, then only its prefix. */
export function ApiKeys() {
  const [items, setItems] = useState<Key[] | null>(null);
  const [name, setName] = useState("");
  const [fresh, setFresh] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<Key | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await call(api["api-keys"].$get())).items);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load the keys");
    }
  }, []);
  useEffect(() => void load(), [load]);

  const create = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await call(api["api-keys"].$post({ json: { name: name.trim() } }));
      setFresh({ name: r.name, key: r.key });
      setName("");
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not create the key");
    }
  };

  return (
    <section class="card profile-card" aria-label="API keys">
      <h2>API keys</h2>
      <p class="small muted">
        A key acts as you, with your role: send it as <span class="mono">Authorization: Bearer …</span>.
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form class="row" onSubmit={create}>
        <input
          name="key-name"
          aria-label="Key name"
          placeholder="What it is for (e.g. CRM sync)"
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <button type="submit" disabled={!name.trim()}>
          Create key
        </button>
      </form>
      {fresh && (
        <div class="invite-link" data-testid="new-key">
          <p class="small">
            <strong>{fresh.name}</strong>: copy it now — it is not shown again.
          </p>
          <input class="mono" readOnly value={fresh.key} aria-label="New API key" onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
      {items && items.length > 0 && (
        <ul class="session-list">
          {items.map((k) => (
            <li key={k.id} data-testid="api-key">
              <div>
                <strong>{k.name}</strong> <span class="mono small">{k.prefix}…</span>
                <div class="small muted">
                  created {at(k.created_at)} · last used {at(k.last_used_at)}
                </div>
              </div>
              <button type="button" class="small danger" onClick={() => setRevoking(k)}>
                Revoke
              </button>
            </li>
          ))}
        </ul>
      )}
      {revoking && (
        <ConfirmDialog
          title="Revoke key"
          confirmLabel="Revoke"
          danger
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await call(api["api-keys"][":id"].$delete({ param: { id: revoking.id } }));
            await load();
          }}
        >
          <p>
            Revoke <strong>{revoking.name}</strong>? Whatever uses it stops working at once.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

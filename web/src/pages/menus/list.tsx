import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError, api, call } from "../../api/client";
import { PageHeader } from "../../components/page-header";
import { useLive } from "../../state/realtime";
import type { MenuView } from "./types";

export function MenuList() {
  const [items, setItems] = useState<MenuView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await call(api.workflows.$get())).items);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load workflows");
    }
  }, []);
  useEffect(() => void load(), [load]);
  useLive(["workflows"], () => void load());

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Failed");
    }
  };

  return (
    <section>
      <PageHeader title="Workflows">
        <a href="/workflows/new">
          <button class="primary">New menu</button>
        </a>
      </PageHeader>
      <p class="muted small">Keyword-triggered menus: a contact who writes a trigger word gets the menu, answers by number, and the flow moves on.</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null ? (
        <p class="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty">No menus yet.</p>
      ) : (
        <div class="grid">
          {items.map((w) => (
            <article class="card" key={w.id} data-testid="workflow-card" data-name={w.name}>
              <div class="row" style={{ justifyContent: "space-between" }}>
                <strong>{w.name}</strong>
                <span class={w.is_active ? "tag" : "tag muted"}>{w.is_active ? "active" : "off"}</span>
              </div>
              <div class="small muted">Triggers: {w.trigger_keywords.join(", ")}</div>
              <pre class="menu-preview small">{w.preview}</pre>
              <div class="row">
                <a href={`/workflows/${w.id}`}>
                  <button>Edit</button>
                </a>
                <button onClick={() => act(() => call(api.workflows[":id"].$patch({ param: { id: w.id }, json: { is_active: !w.is_active } })))}>
                  {w.is_active ? "Turn off" : "Turn on"}
                </button>
                <button
                  class="danger"
                  onClick={() =>
                    confirm(`Delete the menu "${w.name}"? Running flows end.`) && act(() => call(api.workflows[":id"].$delete({ param: { id: w.id } })))
                  }
                >
                  Delete
                </button>
              </div>
            </article>
          ))}
        </div>
      )}
    </section>
  );
}

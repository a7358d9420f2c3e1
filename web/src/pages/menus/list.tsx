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
      setError(err instanceof ApiError ? err.message : "Could not load menus");
    }
  }, []);
  useEffect(() => void load(), [load]);
  // The realtime topic keeps the API's name for menus.
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
      <PageHeader title="Menus">
        <a href="/menus/new">
          <button type="button" class="primary">
            New menu
          </button>
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
          {items.map((m) => (
            <article class="card" key={m.id} data-testid="menu-card" data-name={m.name}>
              <div class="row" style={{ justifyContent: "space-between" }}>
                <strong>{m.name}</strong>
                <span class={m.is_active ? "tag" : "tag muted"}>{m.is_active ? "active" : "off"}</span>
              </div>
              <div class="small muted">Triggers: {m.trigger_keywords.join(", ")}</div>
              <pre class="menu-preview small">{m.preview}</pre>
              <div class="row">
                <a href={`/menus/${m.id}`}>
                  <button type="button">Edit</button>
                </a>
                <button type="button" onClick={() => act(() => call(api.workflows[":id"].$patch({ param: { id: m.id }, json: { is_active: !m.is_active } })))}>
                  {m.is_active ? "Turn off" : "Turn on"}
                </button>
                <button
                  type="button"
                  class="danger"
                  onClick={() =>
                    confirm(`Delete the menu "${m.name}"? Running flows end.`) && act(() => call(api.workflows[":id"].$delete({ param: { id: m.id } })))
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

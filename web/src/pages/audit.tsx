import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError, api, call, type Ok, query } from "../api/client";
import { PageHeader } from "../components/page-header";
import { adminOnly } from "../components/role-gate";

type Entry = Ok<Awaited<ReturnType<typeof api.audit.$get>>>["items"][number];
const PAGE = 50;

/** The details object in one line: `key: value` pairs, nested values as JSON. */
function detailsText(d: unknown): string {
  if (d === null || d === undefined) return "";
  if (typeof d !== "object") return String(d);
  return Object.entries(d as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
    .join(" · ");
}

/** Who did what, when, to what: newest first, "Load more" follows the cursor. */
function AuditPage() {
  const [items, setItems] = useState<Entry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [action, setAction] = useState("");
  /** The filter the rows on screen answer ("Load more" continues it, not what is being typed). */
  const [applied, setApplied] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async (cursor: string | null, filter: string) => {
    setBusy(true);
    try {
      const page = await call(api.audit.$get({ query: query({ limit: PAGE, cursor, action: filter.trim() }) }));
      setItems((cur) => (cursor ? [...(cur ?? []), ...page.items] : page.items));
      setApplied(filter);
      setNext(page.next_cursor);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load the audit log");
    } finally {
      setBusy(false);
    }
  }, []);
  useEffect(() => void load(null, ""), [load]);

  return (
    <section class="audit">
      <PageHeader title="Audit log" />
      <form
        class="row audit-filter"
        onSubmit={(e) => {
          e.preventDefault();
          void load(null, action);
        }}
      >
        <input aria-label="Action" placeholder="Action, e.g. user.invite" value={action} onInput={(e) => setAction(e.currentTarget.value)} />
        <button type="submit">Filter</button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null ? (
        <p class="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty">Nothing recorded{applied.trim() ? " for this action" : " yet"}.</p>
      ) : (
        <div class="team-table-wrap">
          <table class="audit-table">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>Action</th>
                <th>Target</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id} data-testid="audit-row" data-action={r.action}>
                  <td class="small">
                    <time dateTime={r.at}>{new Date(r.at).toLocaleString()}</time>
                  </td>
                  <td>
                    {r.actor.label}
                    {r.ip && <div class="small muted">{r.ip}</div>}
                  </td>
                  <td class="mono small">{r.action}</td>
                  <td class="small">{r.target.type ? `${r.target.type} ${r.target.id ?? ""}` : "—"}</td>
                  <td class="small muted audit-details">{detailsText(r.details)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" class="link" disabled={busy} onClick={() => void load(next, applied)}>
          {busy ? "Loading…" : "Load more"}
        </button>
      )}
    </section>
  );
}

export const Audit = adminOnly("Audit log", AuditPage);

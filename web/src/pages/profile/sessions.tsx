import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError, api, call, type Ok, signedIn } from "../../api/client";
import { me } from "../../state/me";

type Session = Ok<Awaited<ReturnType<typeof api.me.sessions.$get>>>["items"][number];

/** "Chrome on Linux"-ish from a user agent, without a parser: the browser and the system it names. */
function device(ua: string | null): string {
  if (!ua) return "Unknown device";
  const browser = /Edg\//.test(ua) ? "Edge" : /Chrome\//.test(ua) ? "Chrome" : /Firefox\//.test(ua) ? "Firefox" : /Safari\//.test(ua) ? "Safari" : null;
  const os = /Android/.test(ua)
    ? "Android"
    : /iPhone|iPad/.test(ua)
      ? "iOS"
      : /Windows/.test(ua)
        ? "Windows"
        : /Mac OS/.test(ua)
          ? "macOS"
          : /Linux/.test(ua)
            ? "Linux"
            : null;
  return browser && os ? `${browser} on ${os}` : ua.slice(0, 60);
}

/** This person's signed-in sessions: revoke one, or sign out everywhere (this one too). */
export function Sessions() {
  const [items, setItems] = useState<Session[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await call(api.me.sessions.$get())).items);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load the sessions");
    }
  }, []);
  useEffect(() => void load(), [load]);

  const ended = () => {
    me.value = null;
    signedIn.value = false;
  };
  const revoke = async (s: Session) => {
    try {
      await call(api.me.sessions[":id"].$delete({ param: { id: s.id } }));
      if (s.current) return ended();
      await load();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not revoke");
    }
  };
  const everywhere = async () => {
    if (!confirm("Sign out on every device, this one too?")) return;
    try {
      await call(api.me.sessions["revoke-all"].$post());
      ended();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not sign out everywhere");
    }
  };

  return (
    <section class="card profile-card" aria-label="Sessions">
      <div class="row team-section-head">
        <h2>Sessions</h2>
        <button type="button" class="danger small" onClick={() => void everywhere()}>
          Sign out everywhere
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {items === null ? (
        <p class="muted small">Loading…</p>
      ) : items.length === 0 ? (
        <p class="small muted">No browser sessions (signed in with a key).</p>
      ) : (
        <ul class="session-list">
          {items.map((s) => (
            <li key={s.id} data-testid="session">
              <div>
                <strong>{device(s.user_agent)}</strong>
                {s.current && <span class="badge team-state active">this one</span>}
                <div class="small muted">
                  {s.ip ?? "unknown address"} · signed in {new Date(s.created_at).toLocaleString()} · last seen{" "}
                  {s.last_seen_at ? new Date(s.last_seen_at).toLocaleString() : "—"}
                </div>
              </div>
              <button type="button" class="small" onClick={() => void revoke(s)}>
                {s.current ? "Sign out" : "Revoke"}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

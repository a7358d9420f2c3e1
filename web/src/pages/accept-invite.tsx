import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { ApiError, api, call, type Ok } from "../api/client";
import { acceptInvite } from "../state/session";

type Invite = Ok<Awaited<ReturnType<(typeof api.invites)[":token"]["$get"]>>>;

const MIN_PASSWORD = 10;

/** The invite link's secret, from `#token=…` (a fragment never reaches a server's logs). */
const tokenOf = (hash: string) => new URLSearchParams(hash.replace(/^#/, "")).get("token") ?? "";

/** /accept-invite#token=…: who is invited, a password to set, then signed in. Reachable signed out. */
export function AcceptInvite() {
  const { route } = useLocation();
  const [token] = useState(() => tokenOf(location.hash));
  const [invite, setInvite] = useState<Invite | null>(null);
  const [invalid, setInvalid] = useState<string | null>(token ? null : "This link has no invite in it: ask for a new one.");
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!token) return;
    call(api.invites[":token"].$get({ param: { token } }))
      .then(setInvite)
      .catch((err) => setInvalid(err instanceof ApiError ? err.message : "Could not read the invite"));
  }, [token]);

  const mismatch = repeat.length > 0 && repeat !== password;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD || password !== repeat) return;
    setBusy(true);
    setError(null);
    try {
      await acceptInvite(token, password);
      // The fragment held the secret: it does not stay in the address bar or the history.
      route("/inbox", true);
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldErrors().password ?? err.message) : "Could not accept the invite");
      setBusy(false);
    }
  };

  return (
    <div class="signin">
      <form class="card signin-card" onSubmit={submit} aria-label="Accept invite">
        <h1>Parley</h1>
        {invalid ? (
          <p class="error" role="alert">
            {invalid}
          </p>
        ) : !invite ? (
          <p class="muted">Reading the invite…</p>
        ) : (
          <>
            <p data-testid="invite-who">
              Welcome, <strong>{invite.name}</strong>. You are invited as <strong>{invite.role}</strong> with <span class="mono">{invite.email}</span>.
            </p>
            <p class="small muted">
              Choose a password (at least {MIN_PASSWORD} characters). The link works once, until {new Date(invite.expires_at).toLocaleString()}.
            </p>
            <input type="hidden" name="username" autocomplete="username" value={invite.email} />
            <label>
              New password
              <input
                name="password"
                type="password"
                autocomplete="new-password"
                minLength={MIN_PASSWORD}
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
                required
              />
            </label>
            <label>
              Repeat the password
              <input name="repeat" type="password" autocomplete="new-password" value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} required />
            </label>
            {mismatch && <p class="small error">The two passwords differ.</p>}
            {error && (
              <p class="error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" class="primary" disabled={busy || password.length < MIN_PASSWORD || password !== repeat}>
              {busy ? "Setting up…" : "Set password and sign in"}
            </button>
          </>
        )}
      </form>
    </div>
  );
}

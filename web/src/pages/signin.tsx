import { useState } from "preact/hooks";
import { ApiError } from "../api/client";
import { signIn } from "../state/session";

export function SignIn() {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(token.trim());
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Sign-in failed");
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="signin">
      <form class="card signin-card" onSubmit={submit} aria-label="Sign in">
        <h1>Parley</h1>
        <p class="muted">Sign in with this deployment's admin token.</p>
        <label>
          Admin token
          <input name="token" type="password" autocomplete="current-password" value={token} onInput={(e) => setToken(e.currentTarget.value)} required />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy || !token.trim()}>
          {busy ? "Signing in…" : "Sign in"}
        </button>
      </form>
      <p class="muted small">
        Parley uses <a href="https://github.com/EvolutionAPI/evolution-api">Evolution API</a> to connect to WhatsApp.
      </p>
    </div>
  );
}

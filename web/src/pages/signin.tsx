import { useState } from "preact/hooks";
import { ApiError } from "../api/client";
import { signIn, signInWithPassword } from "../state/session";

/** Runs a sign-in attempt with the busy flag and the API's sentence on failure. */
function useAttempt() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const attempt = async (e: Event, fn: () => Promise<void>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Sign-in failed");
      setBusy(false);
    }
  };
  return { error, busy, attempt, reset: () => setError(null) };
}

/** E-mail and password (a team member's own account); the admin token as the other way in. */
export function SignIn() {
  const [mode, setMode] = useState<"password" | "token">("password");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [token, setToken] = useState("");
  const { error, busy, attempt, reset } = useAttempt();
  const switchTo = (m: "password" | "token") => {
    reset();
    setMode(m);
  };
  const alert = error && (
    <p class="error" role="alert">
      {error}
    </p>
  );
  return (
    <div class="signin">
      {mode === "password" ? (
        <form class="card signin-card" onSubmit={(e) => attempt(e, () => signInWithPassword(email.trim(), password))} aria-label="Sign in">
          <h1>Parley</h1>
          <p class="muted">Sign in with your e-mail and password.</p>
          <label>
            E-mail
            <input name="email" type="email" autocomplete="username" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required />
          </label>
          <label>
            Password
            <input
              name="password"
              type="password"
              autocomplete="current-password"
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
              required
            />
          </label>
          {alert}
          <button type="submit" class="primary" disabled={busy || !email.trim() || !password}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
          <p class="small muted signin-alt">
            Setting up Parley?{" "}
            <button type="button" class="link" onClick={() => switchTo("token")}>
              Use the admin token
            </button>
          </p>
        </form>
      ) : (
        <form class="card signin-card" onSubmit={(e) => attempt(e, () => signIn(token.trim()))} aria-label="Sign in">
          <h1>Parley</h1>
          <p class="muted">Sign in with this deployment's admin token. It acts as the owner; create your own account on the Team page afterwards.</p>
          <label>
            Admin token
            <input name="token" type="password" autocomplete="current-password" value={token} onInput={(e) => setToken(e.currentTarget.value)} required />
          </label>
          {alert}
          <button type="submit" class="primary" disabled={busy || !token.trim()}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
          <p class="small muted signin-alt">
            <button type="button" class="link" onClick={() => switchTo("password")}>
              Use e-mail and password instead
            </button>
          </p>
        </form>
      )}
      <p class="muted small">
        Parley uses <a href="https://github.com/EvolutionAPI/evolution-api">Evolution API</a> to connect to WhatsApp.
      </p>
    </div>
  );
}

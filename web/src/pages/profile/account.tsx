import { useState } from "preact/hooks";
import { ApiError, api, call } from "../../api/client";
import { setMe } from "../../state/me";

const MIN_PASSWORD = 10;
const text = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback);

export function NameForm({ name: current }: { name: string }) {
  const [name, setName] = useState(current);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setNote(null);
    try {
      setMe(await call(api.me.$patch({ json: { name: name.trim() } })));
      setNote({ ok: true, text: "Saved." });
    } catch (err) {
      setNote({ ok: false, text: text(err, "Could not save") });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card profile-card" onSubmit={save} aria-label="Your name">
      <h2>Name</h2>
      <p class="small muted">Shown to the team on your replies, notes and assignments.</p>
      <div class="row">
        <input name="name" aria-label="Name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        <button type="submit" disabled={busy || !name.trim() || name.trim() === current}>
          Save
        </button>
      </div>
      {note && (
        <p class={`small ${note.ok ? "muted" : "error"}`} role={note.ok ? "status" : "alert"}>
          {note.text}
        </p>
      )}
    </form>
  );
}

export function PasswordForm() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setNote(null);
    try {
      const r = await call(api.me.password.$post({ json: { current_password: current, new_password: next } }));
      setCurrent("");
      setNext("");
      const others = r.sessions_ended === 1 ? "1 other session was" : `${r.sessions_ended} other sessions were`;
      setNote({ ok: true, text: `Password changed. ${others} signed out.` });
    } catch (err) {
      setNote({ ok: false, text: err instanceof ApiError ? (err.fieldErrors().new_password ?? err.message) : "Could not change the password" });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="card profile-card" onSubmit={save} aria-label="Change password">
      <h2>Password</h2>
      <label>
        Current password
        <input name="current" type="password" autocomplete="current-password" value={current} onInput={(e) => setCurrent(e.currentTarget.value)} required />
      </label>
      <label>
        New password <span class="small muted">(at least {MIN_PASSWORD} characters)</span>
        <input
          name="new"
          type="password"
          autocomplete="new-password"
          minLength={MIN_PASSWORD}
          value={next}
          onInput={(e) => setNext(e.currentTarget.value)}
          required
        />
      </label>
      {note && (
        <p class={`small ${note.ok ? "muted" : "error"}`} role={note.ok ? "status" : "alert"}>
          {note.text}
        </p>
      )}
      <button type="submit" disabled={busy || !current || next.length < MIN_PASSWORD}>
        {busy ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}

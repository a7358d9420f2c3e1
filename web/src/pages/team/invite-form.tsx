import { useState } from "preact/hooks";
import { ApiError, api, call } from "../../api/client";
import { isOwner, type Role } from "../../state/me";
import { InviteLink } from "./invite-link";
import type { UnitView } from "./use-team";

type Made = { url: string; expiresAt: string; who: string };

/** Invite someone: e-mail, name, role, units; answers a link to copy. */
export function InviteForm({ units, defaultRole = "agent", onInvited }: { units: UnitView[]; defaultRole?: Role; onInvited: () => void }) {
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>(defaultRole);
  const [unitIds, setUnitIds] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<Made | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await call(api.users.$post({ json: { email: email.trim(), name: name.trim(), role, unit_ids: unitIds } }));
      setMade({ url: r.invite_url, expiresAt: r.invite_expires_at, who: r.user.name });
      setEmail("");
      setName("");
      setUnitIds([]);
      onInvited();
    } catch (err) {
      if (err instanceof ApiError) {
        const f = err.fieldErrors({ topLevel: true });
        setError(f.email ? `E-mail: ${f.email}` : f.name ? `Name: ${f.name}` : err.message);
      } else setError("Could not invite");
    } finally {
      setBusy(false);
    }
  };
  const toggleUnit = (id: string) => setUnitIds((cur) => (cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id]));

  return (
    <form class="card team-invite" onSubmit={submit} aria-label="Invite someone">
      <h2>Invite someone</h2>
      <div class="team-invite-fields">
        <label>
          E-mail
          <input name="email" type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required />
        </label>
        <label>
          Name
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        </label>
        <label>
          Role
          <select name="role" value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            <option value="agent">Agent — the inbox of their units</option>
            <option value="admin">Admin — everything but owners</option>
            {isOwner.value && <option value="owner">Owner — everything</option>}
          </select>
        </label>
      </div>
      {role === "agent" && (
        <fieldset class="team-units-pick">
          <legend class="small">Units (an agent sees the conversations of their units' numbers)</legend>
          {units.length === 0 && <p class="small muted">No units yet: create one below, then add the agent to it.</p>}
          {units.map((u) => (
            <label key={u.id} class="checkbox">
              <input type="checkbox" checked={unitIds.includes(u.id)} onChange={() => toggleUnit(u.id)} /> {u.name}
            </label>
          ))}
        </fieldset>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy || !email.trim() || !name.trim()}>
        {busy ? "Inviting…" : "Invite"}
      </button>
      {made && <InviteLink {...made} />}
    </form>
  );
}

import { useState } from "preact/hooks";
import { api, call } from "../../api/client";
import { isOwner, me, type Role } from "../../state/me";
import { InviteLink } from "./invite-link";
import { errorText, type UnitView, type UserView } from "./use-team";

const since = (at: string | null) => (at ? new Date(at).toLocaleString() : "never");

/** The team: role, units, state; change role, disable/enable, a new invite link. */
export function UserList({ users, units, onChanged }: { users: UserView[]; units: UnitView[]; onChanged: () => void }) {
  if (users.length === 0) return <p class="empty">Nobody on the team yet. Invite someone below — start with your own owner account.</p>;
  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? id;
  return (
    <div class="team-table-wrap">
      <table class="team-table">
        <thead>
          <tr>
            <th>Person</th>
            <th>Role</th>
            <th>Units</th>
            <th>State</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <UserRow key={u.id} user={u} unitNames={u.unit_ids.map(unitName)} onChanged={onChanged} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function UserRow({ user: u, unitNames, onChanged }: { user: UserView; unitNames: string[]; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);
  // Only an owner changes an owner or makes one (the API says so too).
  const manageable = u.role !== "owner" || isOwner.value;
  const self = me.value?.user?.id === u.id;

  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onChanged();
    } catch (err) {
      setError(errorText(err, "Failed"));
    } finally {
      setBusy(false);
    }
  };
  const patch = (json: { role?: Role; disabled?: boolean; capacity?: number | null }) =>
    act(() => call(api.users[":id"].$patch({ param: { id: u.id }, json })));
  const newLink = () =>
    act(async () => {
      const r = await call(api.users[":id"].invite.$post({ param: { id: u.id } }));
      setLink({ url: r.invite_url, expiresAt: r.invite_expires_at });
    });

  return (
    <>
      <tr class={u.disabled ? "team-disabled" : undefined} data-testid="user-row" data-email={u.email}>
        <td>
          <strong>{u.name}</strong>
          {self && <span class="small muted"> (you)</span>}
          <div class="small muted">{u.email}</div>
        </td>
        <td>
          <select
            aria-label={`Role of ${u.name}`}
            value={u.role}
            disabled={busy || !manageable}
            onChange={(e) => void patch({ role: e.currentTarget.value as Role })}
          >
            <option value="agent">Agent</option>
            <option value="admin">Admin</option>
            {(isOwner.value || u.role === "owner") && <option value="owner">Owner</option>}
          </select>
        </td>
        <td>
          {u.role !== "agent" ? (
            <span class="small muted">all numbers</span>
          ) : unitNames.length ? (
            unitNames.map((n) => (
              <span class="tag" key={n}>
                {n}
              </span>
            ))
          ) : (
            <span class="small muted">no unit: sees nothing</span>
          )}
          {u.role === "agent" && (
            <label class="small muted team-capacity">
              Auto-assign at most{" "}
              <input
                type="number"
                min={1}
                max={1000}
                placeholder="any"
                aria-label={`Capacity of ${u.name}`}
                value={u.capacity ?? ""}
                disabled={busy || !manageable}
                onChange={(e) => {
                  const v = e.currentTarget.value.trim();
                  const n = Number(v);
                  if (v === "" || (Number.isInteger(n) && n >= 1 && n <= 1000)) void patch({ capacity: v === "" ? null : n });
                }}
              />{" "}
              open conversations
            </label>
          )}
        </td>
        <td>
          <span class={`badge team-state ${u.disabled ? "disabled" : u.invited ? "invited" : "active"}`} data-testid="user-state">
            {u.disabled ? "disabled" : u.invited ? "invited" : "active"}
          </span>
          <div class="small muted">seen {since(u.last_seen_at)}</div>
        </td>
        <td class="team-actions">
          {manageable && (
            <>
              <button type="button" class="small" disabled={busy} onClick={() => void newLink()}>
                {u.invited ? "New invite link" : "Reset link"}
              </button>
              {!self && (
                <button type="button" class={`small${u.disabled ? "" : " danger"}`} disabled={busy} onClick={() => void patch({ disabled: !u.disabled })}>
                  {u.disabled ? "Enable" : "Disable"}
                </button>
              )}
            </>
          )}
        </td>
      </tr>
      {(error || link) && (
        <tr class="team-row-extra">
          <td colSpan={5}>
            {error && (
              <p class="error small" role="alert">
                {error}
              </p>
            )}
            {link && <InviteLink url={link.url} expiresAt={link.expiresAt} who={u.name} />}
          </td>
        </tr>
      )}
    </>
  );
}

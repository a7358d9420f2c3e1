import { useState } from "preact/hooks";
import type { InstanceView } from "../../../../worker/shared/instances";
import { ApiError, api, call } from "../../api/client";
import { Modal } from "../../components/modal";
import type { UnitView, UserView } from "./use-team";

type Props = { unit: UnitView | null; units: UnitView[]; users: UserView[]; instances: InstanceView[]; onClose: () => void; onSaved: () => void };

const toggle = (list: string[], id: string) => (list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);

/** Create or edit a unit: its name, its WhatsApp numbers (each in one unit), its people, auto-assignment. */
export function UnitForm({ unit, units, users, instances, onClose, onSaved }: Props) {
  const [name, setName] = useState(unit?.name ?? "");
  const [instanceIds, setInstanceIds] = useState<string[]>(unit?.instance_ids ?? []);
  const [memberIds, setMemberIds] = useState<string[]>(unit?.member_ids ?? []);
  const [autoAssign, setAutoAssign] = useState(unit?.auto_assign ?? false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const otherUnit = (instanceId: string) => units.find((u) => u.id !== unit?.id && u.instance_ids.includes(instanceId))?.name;

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const json = { name: name.trim(), instance_ids: instanceIds, member_ids: memberIds, auto_assign: autoAssign };
    try {
      if (unit) await call(api.units[":id"].$patch({ param: { id: unit.id }, json }));
      else await call(api.units.$post({ json }));
      onSaved();
      onClose();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not save the unit");
      setBusy(false);
    }
  };

  return (
    <Modal title={unit ? `Edit ${unit.name}` : "New unit"} onClose={onClose}>
      <form onSubmit={save} class="unit-form">
        <label>
          Name
          <input name="unit-name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
        </label>
        <fieldset>
          <legend class="small">WhatsApp numbers</legend>
          {instances.length === 0 && <p class="small muted">No numbers connected yet.</p>}
          {instances.map((i) => (
            <label key={i.id} class="checkbox">
              <input type="checkbox" checked={instanceIds.includes(i.id)} onChange={() => setInstanceIds((l) => toggle(l, i.id))} /> {i.name}{" "}
              <span class="small muted">
                {i.number}
                {otherUnit(i.id) ? ` · moves here from ${otherUnit(i.id)}` : ""}
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend class="small">Members</legend>
          {users.map((u) => (
            <label key={u.id} class="checkbox">
              <input type="checkbox" checked={memberIds.includes(u.id)} onChange={() => setMemberIds((l) => toggle(l, u.id))} /> {u.name}{" "}
              <span class="small muted">{u.role}</span>
            </label>
          ))}
        </fieldset>
        <label class="checkbox">
          <input type="checkbox" checked={autoAssign} onChange={(e) => setAutoAssign(e.currentTarget.checked)} /> Auto-assign new conversations (round-robin
          among members online now)
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="row" style={{ justifyContent: "flex-end" }}>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || !name.trim()}>
            {busy ? "Saving…" : "Save unit"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

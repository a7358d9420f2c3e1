import { useState } from "preact/hooks";
import type { InstanceView } from "../../../../worker/shared/instances";
import { api, call } from "../../api/client";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { UnitForm } from "./unit-form";
import type { UnitView, UserView } from "./use-team";

type Props = { units: UnitView[]; users: UserView[]; instances: InstanceView[]; onChanged: () => void };

/** Units: their numbers, their people, auto-assignment; new, edit, delete. */
export function UnitList({ units, users, instances, onChanged }: Props) {
  const [editing, setEditing] = useState<UnitView | "new" | null>(null);
  const [deleting, setDeleting] = useState<UnitView | null>(null);
  const instanceName = (id: string) => instances.find((i) => i.id === id)?.name ?? id;
  const userName = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  return (
    <section class="team-units" aria-label="Units">
      <div class="row team-section-head">
        <h2>Units</h2>
        <button type="button" onClick={() => setEditing("new")}>
          New unit
        </button>
      </div>
      <p class="small muted">A unit is a group of WhatsApp numbers and the people who work them. Agents see the conversations of their units' numbers only.</p>
      {units.length === 0 ? (
        <p class="empty">No units yet.</p>
      ) : (
        <div class="grid">
          {units.map((u) => (
            <article key={u.id} class="card unit-card" data-testid="unit-card" data-name={u.name}>
              <strong>{u.name}</strong>
              <div class="small">
                Numbers:{" "}
                {u.instance_ids.length ? (
                  u.instance_ids.map((id) => (
                    <span class="tag" key={id}>
                      {instanceName(id)}
                    </span>
                  ))
                ) : (
                  <span class="muted">none</span>
                )}
              </div>
              <div class="small">
                Members:{" "}
                {u.member_ids.length ? (
                  u.member_ids.map((id) => (
                    <span class="tag" key={id}>
                      {userName(id)}
                    </span>
                  ))
                ) : (
                  <span class="muted">none</span>
                )}
              </div>
              <div class="small muted">{u.auto_assign ? "Auto-assigns new conversations" : "No auto-assignment"}</div>
              <div class="row">
                <button type="button" class="small" onClick={() => setEditing(u)}>
                  Edit
                </button>
                <button type="button" class="small danger" onClick={() => setDeleting(u)}>
                  Delete
                </button>
              </div>
            </article>
          ))}
        </div>
      )}
      {editing && (
        <UnitForm
          unit={editing === "new" ? null : editing}
          units={units}
          users={users}
          instances={instances}
          onClose={() => setEditing(null)}
          onSaved={onChanged}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title="Delete unit"
          confirmLabel="Delete"
          danger
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await call(api.units[":id"].$delete({ param: { id: deleting.id } }));
            onChanged();
          }}
        >
          <p>
            Delete <strong>{deleting.name}</strong>? Its numbers stay; its agents stop seeing their conversations.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

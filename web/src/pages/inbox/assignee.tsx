import type { ConversationView } from "../../../../worker/shared/inbox";
import { canAdmin, me } from "../../state/me";
import { type RosterModel, workersOf } from "../../state/roster";

type Props = { conv: ConversationView; roster: InstanceType<typeof RosterModel>; onAssign: (userId: string | null) => void };

/**
 * Who has the conversation. Owners and admins pick anyone who works its number (or nobody);
 * an agent takes it ("Assign to me") or lets it go ("Unassign").
 */
export function AssigneePicker({ conv, roster, onAssign }: Props) {
  const myId = me.value?.user?.id ?? null;
  const assignee = conv.assignee;
  if (canAdmin.value) {
    const people = workersOf(roster, conv.instance_id);
    // Someone assigned before losing the unit still shows as the current value.
    const options = assignee && !people.some((p) => p.id === assignee.id) ? [{ id: assignee.id, name: assignee.name }, ...people] : people;
    return (
      <label class="assignee small">
        <span class="muted">Assigned to</span>
        <select aria-label="Assignee" data-testid="assignee" value={assignee?.id ?? ""} onChange={(e) => onAssign(e.currentTarget.value || null)}>
          <option value="">Nobody</option>
          {options.map((p) => (
            <option key={p.id} value={p.id}>
              {p.id === myId ? `${p.name} (you)` : p.name}
            </option>
          ))}
        </select>
      </label>
    );
  }
  const mine = assignee !== null && assignee.id === myId;
  return (
    <div class="assignee small" data-testid="assignee">
      <span class="muted">{assignee ? `Assigned to ${mine ? "you" : assignee.name}` : "Unassigned"}</span>
      {myId && !mine && (
        <button type="button" class="small" onClick={() => onAssign(myId)}>
          Assign to me
        </button>
      )}
      {mine && (
        <button type="button" class="small" onClick={() => onAssign(null)}>
          Unassign
        </button>
      )}
    </div>
  );
}

import type { ConversationView } from "../../../../worker/shared/inbox";
import type { RosterModel } from "../../state/roster";
import { AssigneePicker } from "./assignee";

type Props = {
  conv: ConversationView | null;
  roster: InstanceType<typeof RosterModel>;
  onAssign: (userId: string | null) => void;
  onTogglePause: () => void;
  onArchive: () => void;
};

/** Who the conversation is with, its menu, who has it, the AI agent's pause, Archive. */
export function ThreadHead({ conv, roster, onAssign, onTogglePause, onArchive }: Props) {
  return (
    <header class="thread-head">
      <a href="/inbox" class="thread-back" aria-label="Back to conversations">
        ←
      </a>
      <div class="thread-who">
        <strong>{conv ? conv.contact_name || conv.contact_number : "…"}</strong>
        {conv && (
          <div class="small muted">
            {conv.contact_number} · {conv.instance_name}
            {conv.status === "archived" ? " · archived" : ""}
          </div>
        )}
        {conv?.flow && (
          <div class="small flow-badge" data-testid="flow-badge" title={`Menu running until ${new Date(conv.flow.expires_at).toLocaleTimeString()}`}>
            In menu “{conv.flow.name}” · step {conv.flow.step}
          </div>
        )}
      </div>
      {conv && <AssigneePicker conv={conv} roster={roster} onAssign={onAssign} />}
      {conv && (
        <label class="agent-toggle small" title="Pause the AI agent on this conversation (a human takes over)">
          <input type="checkbox" checked={conv.agent_paused} onChange={onTogglePause} /> Agent paused
        </label>
      )}
      {conv?.status === "active" && (
        <button type="button" class="small thread-archive" onClick={onArchive}>
          Archive
        </button>
      )}
    </header>
  );
}

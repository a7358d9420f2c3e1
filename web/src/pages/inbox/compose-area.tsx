import { useState } from "preact/hooks";
import type { MessageView } from "../../../../worker/shared/inbox";
import type { NotesModel } from "../../state/inbox-notes";
import type { RosterModel } from "../../state/roster";
import { Composer } from "./composer";
import { NoteComposer } from "./note-composer";

type Props = {
  conversationId: string;
  notes: InstanceType<typeof NotesModel>;
  roster: InstanceType<typeof RosterModel>;
  onSent: (m: MessageView) => void;
};

/** Reply (to WhatsApp) or Private note (to the team): two tabs over the box, never confused. */
export function ComposeArea({ conversationId, notes, roster, onSent }: Props) {
  const [mode, setMode] = useState<"reply" | "note">("reply");
  return (
    <div class={`compose-area compose-${mode}`}>
      <div class="compose-tabs" role="tablist" aria-label="Write">
        <button type="button" role="tab" aria-selected={mode === "reply"} class={mode === "reply" ? "on" : undefined} onClick={() => setMode("reply")}>
          Reply
        </button>
        <button type="button" role="tab" aria-selected={mode === "note"} class={mode === "note" ? "on" : undefined} onClick={() => setMode("note")}>
          Private note
        </button>
      </div>
      {mode === "reply" ? <Composer conversationId={conversationId} onSent={onSent} /> : <NoteComposer notes={notes} roster={roster} />}
    </div>
  );
}

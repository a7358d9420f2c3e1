import { useRef, useState } from "preact/hooks";
import { ApiError } from "../../api/client";
import type { NotesModel } from "../../state/inbox-notes";
import { me } from "../../state/me";
import type { Member, RosterModel } from "../../state/roster";
import { MentionPicker, matching, mentionAt } from "./mentions";

const MAX_NOTE = 4000;

type Props = { notes: InstanceType<typeof NotesModel>; roster: InstanceType<typeof RosterModel> };

/** A private note for the team, with @mentions (the mentioned person is notified). Never sent to WhatsApp. */
export function NoteComposer({ notes, roster }: Props) {
  const [text, setText] = useState("");
  const [picked, setPicked] = useState<Member[]>([]);
  const [at, setAt] = useState<{ start: number; query: string } | null>(null);
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);

  const myId = me.value?.user?.id;
  const candidates = at
    ? matching(
        roster.active.value.filter((p) => p.id !== myId),
        at.query,
      )
    : [];

  const onInput = (el: HTMLTextAreaElement) => {
    setText(el.value);
    setAt(mentionAt(el.value, el.selectionStart ?? el.value.length));
    setActive(0);
  };
  const pick = (p: Member) => {
    if (!at) return;
    const caret = at.start + 1 + at.query.length;
    const inserted = `@${p.name} `;
    const nextText = text.slice(0, at.start) + inserted + text.slice(caret);
    setText(nextText);
    setPicked((cur) => (cur.some((x) => x.id === p.id) ? cur : [...cur, p]));
    setAt(null);
    const pos = at.start + inserted.length;
    requestAnimationFrame(() => box.current?.setSelectionRange(pos, pos));
  };

  const submit = async (e?: Event) => {
    e?.preventDefault();
    const body = text.trim();
    if (busy || !body) return;
    setBusy(true);
    setError(null);
    try {
      // A mention deleted from the text is not a mention any more.
      await notes.add(
        body,
        picked.filter((p) => body.includes(`@${p.name}`)).map((p) => p.id),
      );
      setText("");
      setPicked([]);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not save the note");
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (at && candidates.length) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        setActive((i) => (i + (e.key === "ArrowDown" ? 1 : candidates.length - 1)) % candidates.length);
        return;
      }
      if (e.key === "Enter" || e.key === "Tab") {
        e.preventDefault();
        pick(candidates[active] ?? candidates[0]!);
        return;
      }
    }
    if (e.key === "Escape") setAt(null);
    else if (e.key === "Enter" && !e.shiftKey) void submit(e);
  };

  return (
    <form class="composer note-composer" onSubmit={submit}>
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
      {at && <MentionPicker people={candidates} active={active} onPick={pick} />}
      <div class="composer-row">
        <textarea
          ref={box}
          rows={2}
          placeholder="A private note for the team — type @ to mention someone"
          aria-label="Note"
          maxLength={MAX_NOTE}
          value={text}
          onInput={(e) => onInput(e.currentTarget)}
          onKeyDown={onKeyDown}
          onBlur={() => setAt(null)}
        />
        <button type="submit" class="note-send" disabled={busy || !text.trim()}>
          Add note
        </button>
      </div>
      <p class="small muted note-hint">Only your team sees notes; they are never sent to WhatsApp.</p>
    </form>
  );
}

import type { InferRequestType } from "hono/client";
import { useRef, useState } from "preact/hooks";
import type { MessageView } from "../../../../worker/shared/inbox";
import { ApiError, api, call } from "../../api/client";
import { stoppedTyping, typingIn } from "../../state/presence";
import { readAsDataUrl, typeOfFile } from "./format";

type SendBody = InferRequestType<(typeof api.conversations)[":id"]["messages"]["$post"]>["json"];

const MAX_FILE = 16 * 1024 * 1024;
/** The API's limits (worker/inbox/conversations.schemas.ts). */
const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;

/** A validation failure as a sentence, not the API's "Invalid input: path: …". */
function sendError(err: unknown): string {
  if (!(err instanceof ApiError)) return "Could not send";
  if (err.code !== "validation_failed") return err.message;
  const fields = err.fieldErrors({ topLevel: true });
  if (fields.content) return `The message is too long: a text message holds up to ${MAX_TEXT} characters.`;
  if (fields.caption) return `The caption is too long: captions hold up to ${MAX_CAPTION} characters.`;
  if (fields.media_base64) return "The attachment could not be sent (it may be larger than 16 MB).";
  if (fields.file_name) return "The attachment's file name is too long.";
  if (fields.mime_type) return "The attachment's file type is not recognised.";
  return "The message could not be sent: check its text and attachment.";
}

/** Who has the conversation, from a 409 assigned_to_other's details. */
const assigneeOf = (details: unknown) => (details as { assignee?: { name?: string } } | undefined)?.assignee?.name || "someone else";

/**
 * Text box + attach: a file becomes a media message (the text, if any, its caption). A voice
 * note has no caption on WhatsApp, so text typed with one is sent as a text message after it.
 */
export function Composer({ conversationId, onSent }: { conversationId: string; onSent: (m: MessageView) => void }) {
  const [text, setText] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Someone else has the conversation: the name to ask about before replying. */
  const [othersName, setOthersName] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const kind = file ? typeOfFile(file.type || "application/octet-stream") : null;
  const limit = kind && kind !== "audio" ? MAX_CAPTION : MAX_TEXT;
  const tooLong = text.length > limit;

  // Without clearing the input, choosing the same file again fires no change event.
  const clearFile = () => {
    setFile(null);
    if (input.current) input.current.value = "";
  };

  const submit = async (e?: Event, confirm = false) => {
    e?.preventDefault();
    if (busy || tooLong || (!text.trim() && !file)) return;
    // `confirm`: the sender was asked and replies although someone else is assigned.
    const send = (json: SendBody) =>
      call(api.conversations[":id"].messages.$post({ param: { id: conversationId }, json: confirm ? { ...json, confirm } : json }));
    setBusy(true);
    setError(null);
    setOthersName(null);
    stoppedTyping();
    try {
      if (file && kind) {
        if (file.size > MAX_FILE) throw new ApiError(413, "payload_too_large", "Attachments are limited to 16 MB");
        const caption = text.trim() && kind !== "audio" ? { caption: text.trim() } : {};
        const body = { type: kind, media_base64: await readAsDataUrl(file), file_name: file.name, ...(file.type ? { mime_type: file.type } : {}), ...caption };
        onSent(await send(body));
        clearFile();
        if (kind !== "audio" || !text.trim()) return setText("");
      }
      onSent(await send({ type: "text", content: text }));
      setText("");
    } catch (err) {
      if (err instanceof ApiError && err.code === "assigned_to_other") setOthersName(assigneeOf(err.details));
      else setError(sendError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="composer" onSubmit={submit}>
      {error && (
        <p class="error small" role="alert">
          {error}
        </p>
      )}
      {othersName !== null && (
        <div class="composer-confirm small" role="alertdialog" aria-label="Reply anyway?">
          <span>Assigned to {othersName} — reply anyway?</span>
          <button type="button" class="primary small" onClick={() => void submit(undefined, true)}>
            Reply anyway
          </button>
          <button type="button" class="small" onClick={() => setOthersName(null)}>
            Cancel
          </button>
        </div>
      )}
      {file && (
        <div class="composer-file small">
          Attachment: {file.name} ({Math.ceil(file.size / 1024)} KB)
          <button type="button" class="link" onClick={clearFile} aria-label="Remove attachment">
            ✕
          </button>
        </div>
      )}
      <div class="composer-row">
        <label class="attach" title="Attach a file">
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path
              d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5"
              fill="none"
              stroke="currentColor"
              stroke-width="1.8"
              stroke-linecap="round"
            />
          </svg>
          <input ref={input} type="file" aria-label="Attach a file" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </label>
        <textarea
          rows={1}
          placeholder={kind === "audio" ? "Voice notes have no caption: text here is sent after it" : file ? "Add a caption (optional)" : "Type a message"}
          aria-label="Message"
          maxLength={limit}
          value={text}
          onInput={(e) => {
            const value = e.currentTarget.value;
            setText(value);
            if (value.trim()) typingIn(conversationId);
            else stoppedTyping();
          }}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) void submit(e);
          }}
        />
        <button type="submit" class="primary" disabled={busy || tooLong || (!text.trim() && !file)}>
          Send
        </button>
      </div>
      {text.length > limit - 200 && (
        <p class={`composer-count small${tooLong ? " error" : " muted"}`} data-testid="char-count" aria-live="polite">
          {text.length} / {limit}
          {tooLong ? (kind && kind !== "audio" ? " — captions are limited; shorten it" : " — too long; shorten it") : ""}
        </p>
      )}
    </form>
  );
}

import { useRef, useState } from "preact/hooks";
import { ApiError, api } from "../../api/client";
import type { MessageView } from "../../../../worker/shared/inbox";
import { readAsDataUrl, typeOfFile } from "./format";

const MAX_FILE = 16 * 1024 * 1024;

/** Text box + attach: a file becomes a media message (the text, if any, its caption). */
export function Composer({ conversationId, onSent }: { conversationId: string; onSent: (m: MessageView) => void }) {
  const [text, setText] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);

  const submit = async (e?: Event) => {
    e?.preventDefault();
    if (busy || (!text.trim() && !file)) return;
    setBusy(true);
    setError(null);
    try {
      let body: Record<string, unknown>;
      if (file) {
        if (file.size > MAX_FILE) throw new ApiError(413, "payload_too_large", "Attachments are limited to 16 MB");
        const type = typeOfFile(file.type || "application/octet-stream");
        body = { type, media_base64: await readAsDataUrl(file), file_name: file.name, ...(file.type ? { mime_type: file.type } : {}), ...(text.trim() && type !== "audio" ? { caption: text.trim() } : {}) };
      } else {
        body = { type: "text", content: text };
      }
      onSent(await api.post<MessageView>(`/api/conversations/${conversationId}/messages`, body));
      setText("");
      setFile(null);
      if (input.current) input.current.value = "";
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not send");
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="composer" onSubmit={submit}>
      {error && <p class="error small" role="alert">{error}</p>}
      {file && (
        <div class="composer-file small">
          Attachment: {file.name} ({Math.ceil(file.size / 1024)} KB)
          <button type="button" class="link" onClick={() => setFile(null)} aria-label="Remove attachment">
            ✕
          </button>
        </div>
      )}
      <div class="composer-row">
        <label class="attach" title="Attach a file">
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path d="M16.5 6.5v10a4.5 4.5 0 0 1-9 0V5a3 3 0 0 1 6 0v10.5a1.5 1.5 0 0 1-3 0V6.5" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" />
          </svg>
          <input ref={input} type="file" aria-label="Attach a file" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </label>
        <textarea
          rows={1}
          placeholder={file ? "Add a caption (optional)" : "Type a message"}
          aria-label="Message"
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) void submit(e);
          }}
        />
        <button type="submit" class="primary" disabled={busy || (!text.trim() && !file)}>
          Send
        </button>
      </div>
    </form>
  );
}

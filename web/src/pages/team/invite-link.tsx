import { useState } from "preact/hooks";

/** A one-time link to hand over (no e-mail is sent): selectable, with a Copy button. */
export function InviteLink({ url, expiresAt, who }: { url: string; expiresAt: string; who: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin, a denied permission): the field is selected instead.
      (document.getElementById("invite-url") as HTMLInputElement | null)?.select();
    }
  };
  return (
    <div class="invite-link" data-testid="invite-link">
      <p class="small">
        Send this link to <strong>{who}</strong>: it works once, until {new Date(expiresAt).toLocaleString()}. Parley sends no e-mail.
      </p>
      <div class="row">
        <input id="invite-url" class="mono" readOnly value={url} aria-label="Invite link" onFocus={(e) => e.currentTarget.select()} />
        <button type="button" onClick={() => void copy()}>
          {copied ? "Copied" : "Copy"}
        </button>
      </div>
    </div>
  );
}

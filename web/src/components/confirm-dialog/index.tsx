import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { Modal } from "../modal";

/** An in-page confirmation (testable, unlike window.confirm); shows the action's error if it fails. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  onConfirm,
  onClose,
}: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  /** Resolves when done (the dialog closes); a thrown Error's message is shown. */
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const go = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Failed");
      setBusy(false);
    }
  };
  return (
    <Modal title={title} onClose={onClose}>
      <div class="confirm-body">{children}</div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row" style={{ justifyContent: "flex-end" }}>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" class={danger ? "danger solid" : "primary"} disabled={busy} onClick={go}>
          {busy ? "Working…" : confirmLabel}
        </button>
      </div>
    </Modal>
  );
}

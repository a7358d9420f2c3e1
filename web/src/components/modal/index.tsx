import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";

export function Modal({ title, onClose, children }: { title: string; onClose: () => void; children: ComponentChildren }) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    addEventListener("keydown", onKey);
    return () => removeEventListener("keydown", onKey);
  }, [onClose]);
  // Escape closes the dialog from the keyboard (above); a click on the backdrop is the pointer's way out.
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the backdrop is not a control; the dialog inside it is.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard way out is Escape, handled on the window.
    <div class="modal-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="modal" role="dialog" aria-modal="true" aria-label={title}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { InstanceView } from "../../../../worker/shared/instances";
import { ApiError, api, call } from "../../api/client";
import { Modal } from "../../components/modal";
import type { Contact } from "./types";

type Step = { kind: "idle" } | { kind: "busy" } | { kind: "none" } | { kind: "pick"; instances: InstanceView[] } | { kind: "error"; message: string };

/**
 * Opens the inbox conversation with a contact on a connected number: the API answers the
 * active conversation for (instance, contact) or creates one. With several connected numbers
 * the user picks; with none, the dialog says so and links to Instances.
 */
export function WhatsAppButton({ contact }: { contact: Contact }) {
  const { route } = useLocation();
  const [step, setStep] = useState<Step>({ kind: "idle" });
  const label = contact.name || contact.whatsapp_number;

  const open = async (instanceId: string) => {
    setStep({ kind: "busy" });
    try {
      const conv = await call(api.conversations.$post({ json: { contact_id: contact.id, instance_id: instanceId } }));
      route(`/inbox/${conv.id}`);
    } catch (err) {
      setStep({ kind: "error", message: err instanceof ApiError ? err.message : "Could not open the conversation" });
    }
  };

  const start = async () => {
    setStep({ kind: "busy" });
    try {
      const { items } = await call(api.instances.$get());
      const connected = items.filter((i) => i.status === "open");
      if (connected.length === 0) return setStep({ kind: "none" });
      if (connected.length === 1 && connected[0]) return void (await open(connected[0].id));
      setStep({ kind: "pick", instances: connected });
    } catch (err) {
      setStep({ kind: "error", message: err instanceof ApiError ? err.message : "Could not load the connected numbers" });
    }
  };

  const close = () => setStep({ kind: "idle" });
  return (
    <>
      <button
        type="button"
        class="wa-button"
        onClick={start}
        disabled={step.kind === "busy"}
        aria-label={`WhatsApp ${label}`}
        title={contact.opted_out ? "Opted out of campaigns; you can still reply" : "Open the conversation in the inbox"}
      >
        <WhatsAppIcon />
        <span>{step.kind === "busy" ? "Opening…" : "WhatsApp"}</span>
      </button>
      {step.kind === "none" && (
        <Modal title="No connected number" onClose={close}>
          <p role="alert">
            No WhatsApp number is connected — connect one in <a href="/instances">Instances</a>.
          </p>
          <div class="row" style={{ justifyContent: "flex-end" }}>
            <button type="button" onClick={close}>
              Close
            </button>
          </div>
        </Modal>
      )}
      {step.kind === "pick" && (
        <Modal title={`Message ${label} from…`} onClose={close}>
          <div class="instance-pick">
            {step.instances.map((i) => (
              <button key={i.id} type="button" onClick={() => void open(i.id)}>
                <strong>{i.name}</strong> <span class="muted">{i.number}</span>
              </button>
            ))}
          </div>
          <div class="row" style={{ justifyContent: "flex-end", marginTop: "0.8rem" }}>
            <button type="button" onClick={close}>
              Cancel
            </button>
          </div>
        </Modal>
      )}
      {step.kind === "error" && (
        <Modal title="Could not open the conversation" onClose={close}>
          <p class="error" role="alert">
            {step.message}
          </p>
          <div class="row" style={{ justifyContent: "flex-end" }}>
            <button type="button" onClick={close}>
              Close
            </button>
          </div>
        </Modal>
      )}
    </>
  );
}

function WhatsAppIcon() {
  return (
    <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="currentColor">
      <path d="M12 2a10 10 0 0 0-8.6 15.1L2 22l5-1.3A10 10 0 1 0 12 2zm0 18.2c-1.5 0-3-.4-4.3-1.2l-.3-.2-3 .8.8-2.9-.2-.3A8.2 8.2 0 1 1 12 20.2zm4.5-6.1c-.2-.1-1.5-.7-1.7-.8-.2-.1-.4-.1-.6.1l-.8 1c-.1.2-.3.2-.5.1a6.7 6.7 0 0 1-3.3-2.9c-.2-.4.3-.4.8-1.3.1-.2 0-.3 0-.4l-.8-1.8c-.2-.5-.4-.4-.6-.4h-.5a1 1 0 0 0-.7.3 3 3 0 0 0-.9 2.2c0 1.3.9 2.5 1.1 2.7.1.2 1.8 2.8 4.4 3.9 1.6.7 2.3.8 3.1.6.5-.1 1.5-.6 1.7-1.2.2-.6.2-1.1.2-1.2-.1-.1-.3-.2-.5-.3z" />
    </svg>
  );
}

import { useModel } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { ApiError, api, call } from "../../api/client";
import { PageHeader } from "../../components/page-header";
import { StatusDot } from "../../components/status-dot";
import { InstanceChannelModel } from "../../state/realtime";
import { EvolutionUnreachable } from "./unreachable";

const AUTO_CONNECT_AFTER_MS = 4000;

export function ShowInstance({ id }: { id: string }) {
  const { route } = useLocation();
  // One channel per mounted page (index.tsx keys the page by id); unmounting closes it.
  const channel = useModel(() => new InstanceChannelModel(id));
  const instance = channel.instance.value;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const asked = useRef(false);

  const newQr = async () => {
    setBusy(true);
    setError(null);
    try {
      await call(api.instances[":id"].connect.$post({ param: { id } }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not get a new QR code");
    } finally {
      setBusy(false);
    }
  };

  // The moment WhatsApp says the number is connected, go back to the list.
  useEffect(() => {
    if (instance?.status === "open") route("/instances");
  }, [instance?.status]);

  // Evolution often answers create with no QR yet ({count:0}); ask once if none arrives.
  useEffect(() => {
    if (instance?.status !== "pending" || instance.qr_code_base64 || asked.current) return;
    const t = setTimeout(() => {
      asked.current = true;
      void newQr();
    }, AUTO_CONNECT_AFTER_MS);
    return () => clearTimeout(t);
  }, [instance?.status, instance?.qr_code_base64]);

  if (channel.gone.value)
    return (
      <p class="empty">
        This instance was deleted. <a href="/instances">Back to instances</a>
      </p>
    );
  if (!instance) return <p class="muted">Loading…</p>;
  const pairing = instance.pairing_code;
  return (
    <section style={{ maxWidth: "520px" }}>
      <PageHeader title={instance.name}>
        <StatusDot status={instance.status} />
      </PageHeader>
      <div class="card qr-card">
        <p class="muted">{instance.number}</p>
        <EvolutionUnreachable instance={instance} detail />
        {instance.status === "pending" && instance.qr_code_base64 ? (
          <>
            <p>Open WhatsApp on the phone → Linked devices → Link a device, and scan:</p>
            <img class="qr" src={instance.qr_code_base64} alt="WhatsApp QR code" width={264} height={264} />
            {pairing && (
              <p>
                Or link with the phone number using the pairing code <strong data-testid="pairing-code">{pairing.replace(/^(.{4})(.{4})$/, "$1-$2")}</strong>
              </p>
            )}
            <p class="small muted">The code refreshes by itself until it is scanned.</p>
          </>
        ) : instance.status === "pending" ? (
          <p class="muted">Waiting for a QR code from Evolution…</p>
        ) : (
          <p>{instance.disconnect_reason ?? "This number is not connected."}</p>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="row">
          <button type="button" class={instance.status === "closed" ? "primary" : undefined} onClick={newQr} disabled={busy}>
            {busy ? "Asking…" : "New QR code"}
          </button>
          <a href="/instances">
            <button type="button">Back</button>
          </a>
        </div>
      </div>
    </section>
  );
}

import type { InstanceStatus } from "../../../../worker/shared/instances";

const LABEL: Record<InstanceStatus, string> = { open: "Connected", pending: "Waiting for scan", closed: "Disconnected" };

/** Green when the instance is open; amber while pending; red when closed. */
export function StatusDot({ status }: { status: InstanceStatus }) {
  return (
    <span class="row" style={{ gap: "0.35rem" }}>
      <span class={`status-dot ${status}`} data-testid="status-dot" data-status={status} aria-hidden="true" />
      <span class="small">{LABEL[status]}</span>
    </span>
  );
}

import { realtime } from "../../state/realtime";

const LABEL = { live: "Live", connecting: "Connecting…", offline: "Offline — reconnecting" } as const;

/** Shows whether this tab's realtime socket is connected. */
export function LiveIndicator() {
  const s = realtime.status.value;
  return (
    <span class={`live live-${s}`} data-testid="live-indicator" data-status={s} title="Realtime connection">
      <span class="dot" aria-hidden="true" />
      {LABEL[s]}
    </span>
  );
}

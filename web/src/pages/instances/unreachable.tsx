import type { InstanceView } from "../../../../worker/shared/instances";

/** Local HH:MM, with the date when it was not today. */
function sinceLabel(iso: string): string {
  const d = new Date(iso);
  const time = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString([], { day: "numeric", month: "short" })} ${time}`;
}

/**
 * The outbox's breaker is open for this number: Evolution stopped answering. Nothing is lost —
 * sends wait and campaigns on it are paused — and it all resumes by itself, so this warns without
 * asking for anything. Evolution's last error is the tooltip (and, with `detail`, a line).
 */
export function EvolutionUnreachable({ instance, detail = false }: { instance: InstanceView; detail?: boolean }) {
  const since = instance.evolution_unreachable_since;
  if (!since) return null;
  return (
    <div class="warn-banner small" role="status" data-testid="evolution-unreachable" title={instance.evolution_error ?? undefined}>
      <strong>Evolution has not answered since {sinceLabel(since)}</strong> — sends are waiting and will go out when it answers; campaigns on this number are
      paused and resume by themselves.
      {detail && instance.evolution_error && <div class="muted mono warn-detail">{instance.evolution_error}</div>}
    </div>
  );
}

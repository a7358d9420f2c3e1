// Faults between the Worker and the Evolution simulator, as the simulator's own server faults
// (POST /_sim/faults, realized by simulator-harness.ts): while a fault is set, Evolution requests
// fail the way a real network fails — before (down = refuse), by hanging past the client's
// timeout (slow = hang), or after the request was processed (slow-after = accept-hang: Evolution
// did the work, the answer never came back in time).
import { env } from "cloudflare:workers";
import type { FaultMode, FaultScope } from "../../../simulator";
import { installSimulator } from "../simulator-harness";

export type Fault = "none" | "down" | "slow" | "slow-after";
export type EvolutionCall = { at: number; method: string; path: string; fault: Fault };

const MODES = { down: "refuse", slow: "hang", "slow-after": "accept-hang" } as const satisfies Record<Exclude<Fault, "none">, FaultMode>;
const FAULTS = Object.fromEntries(Object.entries(MODES).map(([fault, mode]) => [mode, fault as Fault])) as Partial<Record<FaultMode, Fault>>;

export function installFaultySimulator(opts: Parameters<typeof installSimulator>[0] = {}) {
  // "down" has always surfaced as workerd's lost-connection error; its tests assert that message.
  const { sim, restore } = installSimulator({ ...opts, networkErrors: { refuse: "Network connection lost.", ...opts.networkErrors } });
  /** Every Evolution request disturbed so far (oldest first), from the simulator's fault log. */
  const calls = (): EvolutionCall[] =>
    sim.faultLog().flatMap((hit) => {
      const fault = FAULTS[hit.mode];
      return fault ? [{ at: Date.parse(hit.at), method: hit.method, path: hit.path, fault }] : [];
    });

  return {
    sim,
    restore,
    get calls() {
      return calls();
    },
    /** Only requests in scope are disturbed: "send" (default) = /message/*, "all" = every Evolution route. */
    set(next: Fault, scope: FaultScope = "send") {
      sim.setFault(next === "none" ? { mode: "none" } : { mode: MODES[next], scope });
    },
    /** The sendText calls to this instance disturbed so far. */
    attempts: (instanceName: string) => calls().filter((c) => c.path === `/message/sendText/${instanceName}`).length,
  };
}

/** EVOLUTION_TIMEOUT_MS for the Worker's Evolution client (read on every client creation). */
export function setEvolutionTimeout(ms: number | undefined): void {
  const vars = env as { EVOLUTION_TIMEOUT_MS?: string };
  if (ms === undefined) delete vars.EVOLUTION_TIMEOUT_MS;
  else vars.EVOLUTION_TIMEOUT_MS = String(ms);
}

/** OUTBOX_RETRY_HORIZON_MS for the outbox (read whenever a send is stored or retried). */
export function setRetryHorizon(ms: number | undefined): void {
  const vars = env as { OUTBOX_RETRY_HORIZON_MS?: string };
  if (ms === undefined) delete vars.OUTBOX_RETRY_HORIZON_MS;
  else vars.OUTBOX_RETRY_HORIZON_MS = String(ms);
}

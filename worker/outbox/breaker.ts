// The circuit breaker of one instance's outbox, kept by the instance's SendClock object (its
// storage and alarm). Sends that end with no answer, a timeout or a 5xx are reported here; enough
// of them close together open the breaker: the instance's sends wait (the consumer holds them),
// and a probe (`/instance/connectionState`) runs on the object's alarm with backoff. The first
// probe Evolution answers closes it, and the hooks resume what the opening stopped.
import { getInstance } from "../instances/instances.queries";
import { getDb } from "../platform/db/client";
import { EvolutionError, evolutionClientFromEnv } from "../platform/evolution/client";
import { publish } from "../platform/realtime/publish";
import { setBreakerStmt } from "./breaker.queries";

/** This many outage reports within WINDOW_MS open the breaker. */
export const THRESHOLD = 3;
export const WINDOW_MS = 30_000;
const FIRST_PROBE_MS = 1000;
const MAX_PROBE_MS = 60_000;
const PROBE_TIMEOUT_MS = 5000;

export type BreakerState = { since: number; error: string; probeAt: number; delayMs: number; probes: number };

export type BreakerHooks = {
  /** The breaker opened (recorded in D1 already): pause what sends through this instance. */
  opened: (since: number, error: string) => Promise<void>;
  /** Evolution answered again (cleared in D1 already): resume and re-drive. */
  closed: () => Promise<void>;
};

export class Breaker {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
    private readonly instanceId: string,
    private readonly hooks: BreakerHooks,
  ) {}

  state(): Promise<BreakerState | undefined> {
    return this.storage.get<BreakerState>("breaker");
  }

  /** `n` outage failures just happened; returns when to probe if this opened the breaker. */
  async report(n: number, error: string, now: number): Promise<number | null> {
    if (await this.state()) return null;
    const recent = ((await this.storage.get<number[]>("breaker:fails")) ?? []).filter((t) => t > now - WINDOW_MS);
    for (let i = 0; i < n; i++) recent.push(now);
    if (recent.length < THRESHOLD) {
      await this.storage.put("breaker:fails", recent.slice(-THRESHOLD * 4));
      return null;
    }
    const state: BreakerState = { since: now, error: error.slice(0, 300), probeAt: now + FIRST_PROBE_MS, delayMs: FIRST_PROBE_MS, probes: 0 };
    await this.storage.put({ breaker: state, "breaker:fails": [] });
    await setBreakerStmt(getDb(this.env.DB), this.instanceId, { since: now, error: state.error });
    console.warn(JSON.stringify({ at: "outbox.breaker_open", instanceId: this.instanceId, error: state.error }));
    await this.hooks.opened(now, state.error);
    await this.announce();
    return state.probeAt;
  }

  /** On the alarm: probes when due. Returns the next probe time, or null when closed. */
  async probeIfDue(now: number): Promise<number | null> {
    const state = await this.state();
    if (!state) return null;
    if (state.probeAt > now) return state.probeAt;
    if (await this.answers()) {
      await this.close();
      return null;
    }
    const delayMs = Math.min(MAX_PROBE_MS, state.delayMs * 2);
    const next = { ...state, probes: state.probes + 1, delayMs, probeAt: Date.now() + delayMs };
    await this.storage.put("breaker", next);
    return next.probeAt;
  }

  private async answers(): Promise<boolean> {
    const inst = await getInstance(getDb(this.env.DB), this.instanceId);
    if (!inst?.evolutionToken) return true; // nothing to probe with: let the sends say what is wrong
    try {
      await evolutionClientFromEnv(this.env, { retries: 1, timeoutMs: PROBE_TIMEOUT_MS }).connectionState({
        instanceName: inst.name,
        token: inst.evolutionToken,
      });
      return true;
    } catch (err) {
      // Any HTTP answer below 500 is Evolution answering (a 404 says the instance is gone, not that Evolution is).
      if (err instanceof EvolutionError && err.status > 0 && err.status < 500) return true;
      console.warn(JSON.stringify({ at: "outbox.breaker_probe", instanceId: this.instanceId, error: String(err) }));
      return false;
    }
  }

  async close(): Promise<void> {
    if (!(await this.state())) return;
    await this.storage.delete(["breaker", "breaker:fails"]);
    await setBreakerStmt(getDb(this.env.DB), this.instanceId, null);
    console.warn(JSON.stringify({ at: "outbox.breaker_closed", instanceId: this.instanceId }));
    await this.hooks.closed();
    await this.announce();
  }

  /** The instance's object re-reads its row and tells its sockets and the hub (the warning shows or goes). */
  private async announce(): Promise<void> {
    try {
      await this.env.WA_INSTANCE.getByName(this.instanceId).refresh();
    } catch (err) {
      console.warn(JSON.stringify({ at: "outbox.breaker_announce", instanceId: this.instanceId, error: String(err) }));
      await publish(this.env, "instances", this.instanceId);
    }
  }
}

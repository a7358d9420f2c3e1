import { env, exports } from "cloudflare:workers";
import { vi } from "vitest";
import type { EvolutionSimulator } from "../../simulator";
import { createEvolutionSimulator, FAULT_HEADER } from "../../simulator";

/** The errors a faulted connection throws at the caller (as fetch in workerd would). */
export type NetworkErrors = { drop: string; refuse: string };
const NETWORK_ERRORS: NetworkErrors = { drop: "Network connection lost.", refuse: "connect ECONNREFUSED" };

/** Resolves never; rejects with the signal's reason when the caller's timeout aborts it. */
export function untilAborted(signal: AbortSignal | null | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return; // no timeout: hangs, which a test would notice as its own timeout
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/**
 * fetch against the simulator app, with its server faults (POST /_sim/faults) realized the way
 * workerd's fetch fails: drop → TypeError "Network connection lost." (after the request was
 * processed), refuse → TypeError "connect ECONNREFUSED" (nothing processed), hang → pending until
 * the request's AbortSignal aborts, then rejected with its reason.
 */
export function simulatorFetch(sim: Pick<EvolutionSimulator, "app">, errors: Partial<NetworkErrors> = {}) {
  const messages = { ...NETWORK_ERRORS, ...errors };
  return async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req = new Request(input, init);
    const res = await sim.app.fetch(req);
    const mark = res.headers.get(FAULT_HEADER);
    if (!mark) return res;
    await res.body?.cancel();
    if (mark === "hang") return untilAborted(init?.signal ?? req.signal);
    throw new TypeError(mark === "refuse" ? messages.refuse : messages.drop);
  };
}

/**
 * The Evolution simulator wired into the test runtime: the Worker's outbound calls to
 * EVOLUTION_URL reach it (through a globalThis.fetch spy, faults realized by simulatorFetch), and
 * its webhook deliveries reach the Worker (exports.default.fetch). Any other outbound fetch fails
 * the test loudly.
 */
export function installSimulator(opts: { ackDelaysMs?: number[]; retryDelaysMs?: number[]; networkErrors?: Partial<NetworkErrors> } = {}) {
  const sim = createEvolutionSimulator({
    apiKey: env.EVOLUTION_API_KEY,
    deliver: (url, init) => exports.default.fetch(new Request(url, init)),
    qrRefreshMs: 0,
    retryDelaysMs: opts.retryDelaysMs ?? [20, 50],
    ackDelaysMs: opts.ackDelaysMs ?? [5, 5, 5],
    log: () => undefined,
  });
  const evolution = new URL(env.EVOLUTION_URL).origin;
  const toSim = simulatorFetch(sim, opts.networkErrors);
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (new URL(url).origin === evolution) return toSim(input, init);
    throw new Error(`unexpected outbound fetch in a test: ${url}`);
  });
  return { sim, restore: () => spy.mockRestore() };
}

// Faults injected between the Worker and the Evolution simulator: installSimulator()'s fetch
// spy is wrapped so that, while a fault is set, Evolution requests fail the way a real network
// fails — before (down), by hanging past the client's timeout (slow), or after the request was
// processed (slow-after: Evolution did the work, the answer never came back in time).
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import { installSimulator } from "../simulator-harness";

export type Fault = "none" | "down" | "slow" | "slow-after";
export type EvolutionCall = { at: number; method: string; path: string; fault: Fault };

/** Resolves never; rejects with the signal's reason when the caller's timeout aborts it. */
function untilAborted(signal: AbortSignal | null | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return; // no timeout: hangs, which a test would notice as its own timeout
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

export function installFaultySimulator(opts: Parameters<typeof installSimulator>[0] = {}) {
  const { sim, restore } = installSimulator(opts);
  const spy = vi.mocked(globalThis.fetch);
  const passThrough = spy.getMockImplementation();
  if (!passThrough) throw new Error("installSimulator() should have mocked fetch");
  const evolution = new URL(env.EVOLUTION_URL).origin;
  let fault: Fault = "none";
  /** Only requests whose path matches are disturbed (default: the send routes). */
  let scope: RegExp = /^\/message\//;
  const calls: EvolutionCall[] = [];

  spy.mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    const url = new URL(req.url);
    if (url.origin !== evolution || fault === "none" || !scope.test(url.pathname)) return passThrough(input, init);
    calls.push({ at: Date.now(), method: req.method, path: url.pathname, fault });
    switch (fault) {
      case "down":
        throw new TypeError("Network connection lost.");
      case "slow":
        return untilAborted(init?.signal);
      case "slow-after": {
        // Evolution receives and performs the send; its answer arrives after the client gave up.
        await passThrough(input, init);
        return untilAborted(init?.signal);
      }
    }
  });

  return {
    sim,
    restore,
    calls,
    set(next: Fault, paths: RegExp = /^\/message\//) {
      fault = next;
      scope = paths;
    },
    /** The sendText calls to this instance disturbed so far. */
    attempts: (instanceName: string) => calls.filter((c) => c.path === `/message/sendText/${instanceName}`).length,
  };
}

/** EVOLUTION_TIMEOUT_MS for the Worker's Evolution client (read on every client creation). */
export function setEvolutionTimeout(ms: number | undefined): void {
  const vars = env as { EVOLUTION_TIMEOUT_MS?: string };
  if (ms === undefined) delete vars.EVOLUTION_TIMEOUT_MS;
  else vars.EVOLUTION_TIMEOUT_MS = String(ms);
}

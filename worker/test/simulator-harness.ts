import { env, exports } from "cloudflare:workers";
import { vi } from "vitest";
import { createEvolutionSimulator } from "../../simulator";

/**
 * The Evolution simulator wired into the test runtime: the Worker's outbound calls to
 * EVOLUTION_URL reach it (through a globalThis.fetch spy), and its webhook deliveries reach
 * the Worker (exports.default.fetch). Any other outbound fetch fails the test loudly.
 */
export function installSimulator(opts: { ackDelaysMs?: number[]; retryDelaysMs?: number[] } = {}) {
  const sim = createEvolutionSimulator({
    apiKey: env.EVOLUTION_API_KEY,
    deliver: (url, init) => exports.default.fetch(new Request(url, init)),
    qrRefreshMs: 0,
    retryDelaysMs: opts.retryDelaysMs ?? [20, 50],
    ackDelaysMs: opts.ackDelaysMs ?? [5, 5, 5],
    log: () => undefined,
  });
  const evolution = new URL(env.EVOLUTION_URL).origin;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const req = new Request(input, init);
    if (new URL(req.url).origin === evolution) return sim.app.fetch(req);
    throw new Error(`unexpected outbound fetch in a test: ${req.url}`);
  });
  return { sim, restore: () => spy.mockRestore() };
}

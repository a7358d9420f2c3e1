// Shared wiring for simulator tests: a simulator whose webhook deliveries land in an array, and
// the real Evolution client talking to it through sim.app.fetch (no network).

import type { SimulatorOptions } from "../../../simulator";
import { createEvolutionSimulator } from "../../../simulator";
import type { InstanceRef } from "../../platform/evolution/client";
import { createEvolutionClient } from "../../platform/evolution/client";
import { uid } from "../helpers";

export const GLOBAL_KEY = "sim-global-key";
export const HOOK_URL = "https://crm.example.com/webhooks/ins_test";

export type Delivered = { url: string; headers: Headers; body: { event: string; instance: string; data: unknown; [k: string]: unknown } };

export function setup(opts: Partial<SimulatorOptions> & { respond?: (d: Delivered) => Response | Promise<Response> } = {}) {
  const delivered: Delivered[] = [];
  const { respond, ...simOpts } = opts;
  const sim = createEvolutionSimulator({
    apiKey: GLOBAL_KEY,
    retryDelaysMs: [1, 1, 1],
    ackDelaysMs: [0, 0, 0],
    log: () => undefined,
    ...simOpts,
    deliver: async (url, init) => {
      const d: Delivered = { url, headers: new Headers(init.headers), body: JSON.parse(String(init.body)) };
      delivered.push(d);
      return respond ? respond(d) : new Response("ok");
    },
  });
  const client = createEvolutionClient({
    baseUrl: "http://evolution.test",
    globalKey: GLOBAL_KEY,
    retryBaseMs: 1,
    log: () => undefined,
    fetch: (input, init) => sim.app.fetch(new Request(input, init)),
  });
  const events = (name?: string) => delivered.filter((d) => !name || d.body.event === name);
  return { sim, client, delivered, events };
}

/** Raw HTTP against the simulator, as a real Evolution client would send it. */
export function evo(sim: { app: { fetch: (r: Request) => Response | Promise<Response> } }, method: string, path: string, body?: unknown, apikey = GLOBAL_KEY) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (apikey) headers.apikey = apikey;
  return sim.app.fetch(new Request(`http://evolution.test${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }));
}

/** Creates an instance through the client (nested webhook with headers) and optionally scans it. */
export async function createInstance(
  ctx: ReturnType<typeof setup>,
  opts: { open?: boolean; events?: string[]; byEvents?: boolean } = {},
): Promise<InstanceRef> {
  const instanceName = `inst-${uid()}`;
  const created = await ctx.client.createInstance({
    instanceName,
    webhook: { url: HOOK_URL, headers: { "x-parley-secret": "s3cret" }, events: opts.events, byEvents: opts.byEvents },
  });
  await ctx.sim.idle();
  if (opts.open) {
    ctx.sim.scan(instanceName, { number: "5511999990000", profileName: "Shop" });
    await ctx.sim.idle();
  }
  return { instanceName, token: created.hash };
}

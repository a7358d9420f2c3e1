// `npm run check:sim-node`: the simulator's server faults over a real Node socket (node-transport.ts),
// which the workerd suite cannot see: a 502 page, a dropped connection, a hung request ended by
// the client's timeout (its handler settled, nothing left waiting), refused connections for a time.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createEvolutionSimulator } from "./index";
import { withSocketFaults } from "./node-transport";

const KEY = "check-key";
const sim = createEvolutionSimulator({ apiKey: KEY, deliver: async () => new Response("ok"), ackDelaysMs: [0, 0, 0], log: () => undefined });
const faulty = withSocketFaults((req, env) => sim.app.fetch(req, env));
let inFlight = 0; // handlers not yet settled: a hang must settle once its client has gone
const server = serve({
  fetch: async (req, env) => {
    inFlight++;
    try {
      return await faulty(req, env);
    } finally {
      inFlight--;
    }
  },
  port: 0,
});
await new Promise<void>((resolve) => server.once("listening", () => resolve()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const evo = (method: string, path: string, body?: unknown, signal?: AbortSignal) =>
  fetch(base + path, {
    method,
    headers: { apikey: KEY, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
const send = (text: string, signal?: AbortSignal) => evo("POST", "/message/sendText/chk", { number: "5511988887777", text }, signal);
const failure = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e as Error & { cause?: { code?: string } },
  );
  assert.ok(err, "expected the request to fail");
  return err;
};
const settled = async () => {
  for (let i = 0; i < 50 && inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(inFlight, 0, "a hung handler is still waiting after its client went away");
};
const texts = () => sim.accepted("chk").map((a) => `${a.text}:${a.fault ?? "-"}`);
const checks: string[] = [];

assert.equal((await evo("POST", "/instance/create", { instanceName: "chk", integration: "WHATSAPP-BAILEYS", qrcode: true })).status, 201);
await sim.idle();
sim.scan("chk");

sim.setFault({ mode: "accept-502", count: 1 });
const bad = await send("a");
assert.equal(bad.status, 502);
assert.match(await bad.text(), /502 Bad Gateway/);
checks.push("accept-502 → 502 page, message recorded");

sim.setFault({ mode: "accept-drop", count: 1 });
const dropped = await failure(send("b"));
assert.equal(dropped.name, "TypeError");
checks.push(`accept-drop → ${dropped.message} (${dropped.cause?.code ?? "no code"})`);

sim.setFault({ mode: "hang", count: 1 });
const started = Date.now();
const hung = await failure(send("c", AbortSignal.timeout(200)));
assert.equal(hung.name, "TimeoutError");
assert.ok(Date.now() - started >= 190);
await settled();
checks.push(`hang → ${hung.name} after ${Date.now() - started} ms, nothing recorded`);

sim.setFault({ mode: "accept-hang", count: 1 });
assert.equal((await failure(send("d", AbortSignal.timeout(100)))).name, "TimeoutError");
await settled();
checks.push("accept-hang → TimeoutError, message recorded");

sim.setFault({ mode: "refuse", scope: "all", forMs: 300 });
const refused = await failure(evo("GET", "/instance/connectionState/chk"));
assert.equal(refused.name, "TypeError");
await failure(send("e"));
assert.equal(((await (await fetch(`${base}/_sim/faults`)).json()) as { hits: number }).hits, 2);
await new Promise((r) => setTimeout(r, 320));
assert.equal((await evo("GET", "/instance/connectionState/chk")).status, 200);
assert.equal((await send("f")).status, 201);
checks.push(`refuse (all, 300 ms) → ${refused.message} (${refused.cause?.code ?? "no code"}), then normal`);

assert.deepEqual(texts(), ["a:accept-502", "b:accept-drop", "d:accept-hang", "f:-"]);

await settled();
const closed = new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
if ("closeIdleConnections" in server) server.closeIdleConnections();
await closed;
sim.close();
console.log(`node transport faults ok:\n  ${checks.join("\n  ")}`);

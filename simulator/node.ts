// Node entry: `npm run sim` serves the simulator on SIM_PORT (default 8081) and delivers webhooks
// with Node's global fetch. Env: SIM_PORT; SIMULATOR_API_KEY (the global apikey, default
// "simulator-global-key", which is what e2e/stack.ts gives the Worker as EVOLUTION_API_KEY);
// SIM_QR_REFRESH_MS (default 30000; 0 = only on connect/"New QR"); SIM_ACK_DELAYS_MS (comma list
// of waits before SERVER_ACK, DELIVERY_ACK, READ; default 800,2000,4000). Server faults
// (POST /_sim/faults) drop, hold or refuse the socket through withSocketFaults.
import { serve } from "@hono/node-server";
import { createEvolutionSimulator } from "./index";
import { withSocketFaults } from "./node-transport";

const port = Number(process.env.SIM_PORT ?? 8081);
const sim = createEvolutionSimulator({
  apiKey: process.env.SIMULATOR_API_KEY || "simulator-global-key",
  qrRefreshMs: Number(process.env.SIM_QR_REFRESH_MS ?? 30_000),
  ackDelaysMs: (process.env.SIM_ACK_DELAYS_MS ?? "800,2000,4000").split(",").map(Number),
  serverUrl: `http://localhost:${port}`,
});

const server = serve({ fetch: withSocketFaults((req, env) => sim.app.fetch(req, env)), port }, (info) => {
  console.log(`Evolution simulator on http://localhost:${info.port} — control page http://localhost:${info.port}/_sim`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    sim.close();
    server.close();
    process.exit(0);
  });
}

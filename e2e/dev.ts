// `npm run dev`: the whole product on this machine, offline — dashboard + API (wrangler dev),
// local D1 with migrations applied, and the Evolution simulator unless EVOLUTION_URL is set.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildDashboard, DEV_VARS, ROOT, readDevVars, startStack } from "./stack.ts";

const PORT = Number(process.env.PORT ?? 8787);

let vars = readDevVars();
if (!vars.ADMIN_TOKEN) {
  // First run: create a strong admin token and show it once.
  const token = randomBytes(24).toString("base64url");
  const rest = existsSync(DEV_VARS) ? readFileSync(DEV_VARS, "utf8") : "";
  const key = /^EVOLUTION_API_KEY=/m.test(rest)
    ? ""
    : "# The simulator's global key; use your Evolution server's key when EVOLUTION_URL is set.\nEVOLUTION_API_KEY=simulator-global-key\n";
  writeFileSync(DEV_VARS, `ADMIN_TOKEN=${token}\n${key}${rest}`);
  vars = readDevVars();
  console.log(`\n  Created .dev.vars with a new admin token (shown once; it stays in .dev.vars):\n\n    ${token}\n`);
}

const evolutionUrl = process.env.EVOLUTION_URL || vars.EVOLUTION_URL || undefined;
console.log("Building the dashboard…");
await buildDashboard(false);
console.log(evolutionUrl ? `Using Evolution at ${evolutionUrl}` : "Starting the Evolution simulator…");

const stack = await startStack({
  port: PORT,
  simPort: Number(process.env.SIM_PORT ?? 8081),
  persistDir: path.join(ROOT, ".wrangler", "state"),
  adminToken: vars.ADMIN_TOKEN!,
  evolutionUrl,
  vars: evolutionUrl && vars.EVOLUTION_API_KEY ? { EVOLUTION_API_KEY: vars.EVOLUTION_API_KEY } : {},
  quiet: false,
});

// Rebuild the dashboard on edits; wrangler serves the new files on the next request.
const watcher = spawn(path.join(ROOT, "node_modules", ".bin", "vite"), ["build", "web", "--watch", "--logLevel", "warn"], {
  cwd: ROOT,
  stdio: "inherit",
});

console.log(`
  Parley is running.
    Dashboard + API:  ${stack.baseUrl}   (sign in with ADMIN_TOKEN from .dev.vars)
    Health:           ${stack.baseUrl}/healthz
${stack.simUrl ? `    Evolution simulator: ${stack.simUrl}/_sim   (scan QRs, inject messages)\n` : ""}  Press Ctrl-C to stop.
`);

const shutdown = async () => {
  watcher.kill("SIGTERM");
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

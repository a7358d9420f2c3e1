// `npm run replay-webhooks [-- --instance ins_… --limit 100 --list]`: hands the webhook
// deliveries a running Parley never finished processing (failed or still `received`) back to
// their instances, through POST /api/webhook-events/replay, and prints the report.
// BASE_URL (default http://127.0.0.1:8787) and ADMIN_TOKEN (env, else .dev.vars) say where and as whom.
import { parseArgs } from "node:util";
import { readDevVars } from "./stack.ts";

const { values } = parseArgs({
  options: { instance: { type: "string" }, limit: { type: "string" }, list: { type: "boolean", default: false } },
});
const base = (process.env.BASE_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
const token = process.env.ADMIN_TOKEN ?? readDevVars().ADMIN_TOKEN;
if (!token) {
  console.error("No ADMIN_TOKEN: set it in the environment or in .dev.vars (npm run dev creates one).");
  process.exit(2);
}
const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };

async function call(method: "GET" | "POST", route: string, body?: unknown): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(`${base}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    console.error(`Could not reach Parley at ${base} (is \`npm run dev\` running?): ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  const text = await res.text();
  if (!res.ok) {
    console.error(`${method} ${route} → ${res.status} ${text}`);
    process.exit(1);
  }
  return JSON.parse(text) as unknown;
}

if (values.list) {
  for (const status of ["failed", "received"] as const) {
    const q = new URLSearchParams({ status, limit: "200", ...(values.instance ? { instance_id: values.instance } : {}) });
    const page = (await call("GET", `/api/webhook-events?${q}`)) as {
      items: { id: string; instance_name: string; event: string; error: string | null; received_at: string }[];
    };
    console.log(`${status}: ${page.items.length}`);
    for (const e of page.items) console.log(`  ${e.received_at}  ${e.id}  ${e.instance_name}  ${e.event}${e.error ? `  — ${e.error}` : ""}`);
  }
}

const limit = values.limit === undefined ? undefined : Number(values.limit);
if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
  console.error(`--limit must be a positive integer, got ${values.limit}`);
  process.exit(2);
}
const report = (await call("POST", "/api/webhook-events/replay", {
  ...(values.instance ? { instance_id: values.instance } : {}),
  ...(limit !== undefined ? { limit } : {}),
})) as { replayed: number; processed: number; held: number; still_failed: number };
console.log(`replayed ${report.replayed}: processed ${report.processed}, waiting for their message ${report.held}, still failing ${report.still_failed}`);
process.exit(report.still_failed > 0 ? 1 : 0);

// `npm run bench:webhooks`: deliveries/s and ack latency of POST /webhooks/:id (connection.update
// and messages.upsert bodies) against an empty route in the same runtime and the same local
// server (wrangler dev), at 50 concurrent deliveries. Prints ratios; never asserts timings.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { ROOT, startStack } from "../e2e/stack.ts";
import { closedLoop, fmt, type HttpReq, type LoadResult, printTable, saveResult } from "./load.ts";

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const N = Number(process.env.BENCH_N ?? 2000);
const WARMUP = 300;

// bench/worker.ts: the deployed Worker plus the empty baseline route.
const stack = await startStack({ main: "bench/worker.ts" });
try {
  const auth = { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" };
  const created = await fetch(`${stack.baseUrl}/api/instances`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ name: `bench-${Date.now()}`, number: "+5511988887777" }),
  });
  if (created.status !== 201) throw new Error(`create instance: ${created.status} ${await created.text()}`);
  const inst = (await created.json()) as { id: string; name: string };
  const out = execFileSync(
    path.join(ROOT, "node_modules", ".bin", "wrangler"),
    ["d1", "execute", "DB", "--local", "--persist-to", stack.persistDir, "--json", "--command", `SELECT webhook_secret FROM instances WHERE id = '${inst.id}'`],
    { cwd: ROOT, encoding: "utf8" },
  );
  const secret = (JSON.parse(out) as { results: { webhook_secret: string }[] }[])[0]!.results[0]!.webhook_secret;

  const t0 = Date.now();
  const envelope = (event: string, data: unknown, i: number) =>
    JSON.stringify({
      event,
      instance: inst.name,
      data,
      destination: `${stack.baseUrl}/webhooks/${inst.id}`,
      date_time: new Date(t0 + i).toISOString(),
      sender: "5511988887777@s.whatsapp.net",
      server_url: "http://evolution.local",
      apikey: null,
    });
  const bodies = {
    "connection.update": (i: number) =>
      envelope(
        "connection.update",
        { instance: inst.name, state: i % 2 ? "open" : "connecting", statusReason: 200, wuid: "5511988887777@s.whatsapp.net", profileName: "Bench" },
        i,
      ),
    "messages.upsert": (i: number) =>
      envelope(
        "messages.upsert",
        {
          key: { remoteJid: `55119${String(70000000 + (i % 200))}@s.whatsapp.net`, fromMe: false, id: `BENCH${t0}${i}` },
          pushName: `Contact ${i % 200}`,
          status: "DELIVERY_ACK",
          message: { conversation: `message ${i}` },
          messageType: "conversation",
          messageTimestamp: Math.floor((t0 + i) / 1000),
          instanceId: "bench",
          source: "android",
        },
        i,
      ),
  };
  const hook = (body: string): HttpReq => ({
    url: `${stack.baseUrl}/webhooks/${inst.id}`,
    headers: { "content-type": "application/json", "x-parley-secret": secret },
    body,
  });
  const empty = (body: string): HttpReq => ({ url: `${stack.baseUrl}/__bench/empty`, headers: { "content-type": "application/json" }, body });

  let offset = 0;
  const run = async (kind: keyof typeof bodies, target: "webhook" | "empty", n: number): Promise<LoadResult> => {
    const base = offset;
    offset += n;
    const r = await closedLoop(n, CONCURRENCY, (i) => (target === "webhook" ? hook : empty)(bodies[kind](base + i)));
    if (r.errors) console.warn(`  ${target} ${kind}: ${r.errors} errors ${JSON.stringify(r.statuses)}`);
    return r;
  };

  const rows: (string | number)[][] = [];
  const results: Record<string, unknown> = {};
  for (const kind of Object.keys(bodies) as (keyof typeof bodies)[]) {
    await run(kind, "empty", WARMUP);
    await run(kind, "webhook", WARMUP);
    // Baseline measured right before and after, so machine noise hits both sides alike.
    const e1 = await run(kind, "empty", N);
    const w = await run(kind, "webhook", N);
    const e2 = await run(kind, "empty", N);
    const e = { perSecond: (e1.perSecond + e2.perSecond) / 2, p50: (e1.p50 + e2.p50) / 2, p99: (e1.p99 + e2.p99) / 2 };
    rows.push([
      kind,
      fmt(w.perSecond, 0),
      fmt(e.perSecond, 0),
      fmt(w.perSecond / e.perSecond, 2),
      fmt(w.p50),
      fmt(e.p50),
      fmt(w.p99),
      fmt(e.p99),
      fmt(w.p99 / e.p99, 2),
      w.errors,
    ]);
    results[kind] = { webhook: w, empty: { first: e1, second: e2 }, throughputRatio: w.perSecond / e.perSecond, p99Ratio: w.p99 / e.p99 };
    // Let the Durable Object finish applying what was acknowledged before the next phase.
    await new Promise((r) => setTimeout(r, 1500));
  }
  printTable(
    `Webhook route vs empty route — ${N} deliveries per run, concurrency ${CONCURRENCY} (targets: deliveries/s ratio ≥ 0.5, p99 ratio ≤ 2)`,
    ["body", "webhook/s", "empty/s", "ratio", "p50 ms", "empty p50", "p99 ms", "empty p99", "p99 ratio", "errors"],
    rows,
  );
  console.log(`\nresults: ${saveResult("webhooks", { concurrency: CONCURRENCY, n: N, results })}`);
} finally {
  await stack.stop();
}

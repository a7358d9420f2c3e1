// `npm run bench:campaigns`: the campaign engine end to end on the local stack (wrangler dev +
// the Evolution simulator). (1) 10,000 recipients unpaced, split over 10 instances (one campaign
// each, started together): sends/s reaching the simulator, duplicates, and the wall cost per send.
// The simulator acknowledges every send (SERVER_ACK, DELIVERY_ACK, READ webhooks: what Evolution
// does); SIM_ACK_DELAYS_MS=600000,600000,600000 defers them past the run, which measures the send
// engine alone. BENCH_N, BENCH_INSTANCES size it; BENCH_VERBOSE=1 shows the stack's logs. (2) 30 recipients at 60/min, jitter 0:
// the spacing the simulator measured against the configured 1,000 ms. Prints; never asserts.
// The simulator's webhooks (and this script's API calls) go straight to the Worker runtime, as
// in production: `wrangler dev` puts a reload proxy (a second workerd process) in front of it,
// a hop production does not have, and four webhooks per send through it cost this machine more
// CPU than the sends. BENCH_VIA_PROXY=1 keeps everything on wrangler dev's address instead.
import { startStack } from "../e2e/stack.ts";
import { fmt, percentile, printTable, runtimeUrl, saveResult } from "./load.ts";

const N = Number(process.env.BENCH_N ?? 10_000);
const PACED = 30;
const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 10);

const stack = await startStack({ quiet: process.env.BENCH_VERBOSE ? false : undefined });
try {
  const direct = process.env.BENCH_VIA_PROXY ? null : await runtimeUrl(stack);
  if (!direct && !process.env.BENCH_VIA_PROXY)
    console.warn("  the Worker runtime's own address was not found (needs `ss`): everything goes through wrangler dev's proxy");
  const baseUrl = direct ?? stack.baseUrl;
  console.log(`  webhooks and API calls to ${direct ? `the Worker runtime directly (${direct})` : `wrangler dev's reload proxy (${stack.baseUrl})`}`);
  const headers = { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" };
  const call = async <T>(path: string, json?: unknown): Promise<T> => {
    const req = () =>
      fetch(`${baseUrl}${path}`, { method: json === undefined ? "GET" : "POST", headers, body: json === undefined ? undefined : JSON.stringify(json) });
    // A read on a kept-alive connection the runtime just closed fails (ECONNRESET): read again.
    const res = await req().catch((err: unknown) => (json === undefined ? req() : Promise.reject(err)));
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  type Send = { at: string; status: number; body: { number: string } };
  const sendsOf = async (name: string) => (await (await fetch(`${stack.simUrl}/_sim/instances/${name}/sends`)).json()) as Send[];

  const stamp = Date.now();
  const names = Array.from({ length: INSTANCES }, (_, i) => `bench-${stamp}-${i}`);
  const instances: { id: string; name: string }[] = [];
  for (const [i, name] of names.entries()) {
    const inst = await call<{ id: string }>("/api/instances", { name, number: `+55119555${String(50_000 + i).padStart(5, "0")}` });
    if (direct) {
      // The product's own API for the webhook URL (what a deployment behind another hostname uses).
      const res = await fetch(`${baseUrl}/api/instances/${inst.id}/webhook`, {
        method: "PATCH",
        headers,
        body: JSON.stringify({ url: `${direct}/webhooks/${inst.id}` }),
      });
      if (!res.ok) throw new Error(`webhook url: ${res.status} ${await res.text()}`);
    }
    await fetch(`${stack.simUrl}/_sim/instances/${name}/scan`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    while ((await call<{ status: string }>(`/api/instances/${inst.id}`)).status !== "open") await new Promise((r) => setTimeout(r, 100));
    instances.push({ id: inst.id, name });
  }
  const name = names[0]!;

  const lines = ["name,whatsapp_number,tags"];
  for (let i = 0; i < N; i++) lines.push(`Bench ${i},+55119${String(30_000_000 + i).padStart(8, "0")},bulk${i % INSTANCES}`);
  for (let i = 0; i < PACED; i++) lines.push(`Paced ${i},+55219${String(40_000_000 + i).padStart(8, "0")},paced`);
  const imp = await fetch(`${baseUrl}/api/contacts/import`, {
    method: "POST",
    headers: { ...headers, "content-type": "text/csv" },
    body: lines.join("\n"),
  });
  if (!imp.ok) throw new Error(`import: ${imp.status} ${await imp.text()}`);

  type View = { id: string; status: string; sent: number; failed: number; skipped: number; pending: number; contact_count: number };
  const create = (tag: string, instanceId: string, pacing: Record<string, number>) =>
    call<View>("/api/campaigns", {
      name: `bench ${tag}`,
      target_tags: [tag],
      instance_id: instanceId,
      message: { content: "Hi {{first_name}}, bench message" },
      pacing,
    });
  const done = (v: View) => v.status === "completed" || v.status === "paused" || v.status === "cancelled";
  const run = async (tag: string, pacing: Record<string, number>) => {
    const c = await call<View>("/api/campaigns", {
      name: `bench ${tag}`,
      target_tags: [tag],
      instance_id: instances[0]!.id,
      message: { content: "Hi {{first_name}}, bench message" },
      pacing,
    });
    const t0 = performance.now();
    await call(`/api/campaigns/${c.id}/start`, {});
    let v: View;
    let invariantBroken = 0;
    for (;;) {
      v = await call<View>(`/api/campaigns/${c.id}`);
      if (v.sent + v.failed + v.skipped + v.pending !== v.contact_count) invariantBroken++;
      if (done(v)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    return { view: v, seconds: (performance.now() - t0) / 1000, invariantBroken };
  };

  // (1) Throughput, unpaced: one campaign per instance, all started together.
  const bulkCampaigns = await Promise.all(instances.map((inst, i) => create(`bulk${i}`, inst.id, { per_minute: 0 })));
  const t0 = performance.now();
  await Promise.all(bulkCampaigns.map((c) => call(`/api/campaigns/${c.id}/start`, {})));
  let views: View[];
  let invariantBroken = 0;
  for (;;) {
    views = await Promise.all(bulkCampaigns.map((c) => call<View>(`/api/campaigns/${c.id}`)));
    invariantBroken += views.filter((v) => v.sent + v.failed + v.skipped + v.pending !== v.contact_count).length;
    if (views.every(done)) break;
    // Once a second: ten reads every 200 ms were a load of their own on the stack being measured.
    await new Promise((r) => setTimeout(r, 1000));
  }
  const sum = (k: "sent" | "failed") => views.reduce((a, v) => a + v[k], 0);
  const bulk = {
    view: { sent: sum("sent"), failed: sum("failed"), statuses: views.map((v) => v.status) },
    seconds: (performance.now() - t0) / 1000,
    invariantBroken,
  };
  const bulkSends = (await Promise.all(names.map(sendsOf))).flat().filter((s) => s.status < 300 && s.body.number.startsWith("55119"));
  const times = bulkSends.map((s) => Date.parse(s.at)).sort((a, b) => a - b);
  const span = ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000;
  const unique = new Set(bulkSends.map((s) => s.body.number)).size;
  const duplicates = bulkSends.length - unique;

  // (2) Pacing accuracy at 60/min, no jitter.
  const paced = await run("paced", { per_minute: 60, jitter_pct: 0 });
  const pacedAt = (await sendsOf(name))
    .filter((s) => s.body.number.startsWith("55219"))
    .map((s) => Date.parse(s.at))
    .sort((a, b) => a - b);
  const gaps = pacedAt.slice(1).map((t, i) => t - pacedAt[i]!);
  const sorted = [...gaps].sort((a, b) => a - b);
  const mean = gaps.reduce((a, b) => a + b, 0) / (gaps.length || 1);
  const within = gaps.filter((g) => Math.abs(g - 1000) <= 100).length;

  printTable(
    `Campaign sends — ${N} recipients over ${INSTANCES} instances, unpaced (send clock → queue → consumer → simulator)`,
    [
      "sent",
      "failed",
      "unique numbers",
      "duplicates",
      "start→completed s",
      "sends/s",
      "ms per send (wall)",
      "first→last send s",
      "sends/s at simulator",
      "invariant breaks",
    ],
    [
      [
        bulk.view.sent,
        bulk.view.failed,
        unique,
        duplicates,
        fmt(bulk.seconds, 2),
        fmt(bulk.view.sent / bulk.seconds, 0),
        fmt((bulk.seconds * 1000) / N, 2),
        fmt(span, 2),
        fmt(bulkSends.length / span, 0),
        bulk.invariantBroken,
      ],
    ],
  );
  printTable(
    `Pacing — ${PACED} recipients at 60/min, jitter 0 (configured gap 1000 ms; target ±10%)`,
    ["gaps", "mean ms", "p5 ms", "p50 ms", "p95 ms", "min ms", "max ms", "within ±10%", "mean error"],
    [
      [
        gaps.length,
        fmt(mean, 0),
        fmt(percentile(sorted, 5), 0),
        fmt(percentile(sorted, 50), 0),
        fmt(percentile(sorted, 95), 0),
        fmt(sorted[0] ?? NaN, 0),
        fmt(sorted.at(-1) ?? NaN, 0),
        `${within}/${gaps.length}`,
        `${fmt(((mean - 1000) / 1000) * 100, 2)}%`,
      ],
    ],
  );
  console.log(
    `\nresults: ${saveResult("campaigns", { n: N, instances: INSTANCES, bulk: { ...bulk, span, unique, duplicates }, paced: { ...paced, gaps, mean, within } })}`,
  );
} finally {
  await stack.stop();
}

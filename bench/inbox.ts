// `npm run bench:inbox`: the inbox under load on the local stack (wrangler dev + simulator).
//   1. 2,000 inbound messages over 200 contacts, delivered at concurrency 50 with 10% duplicate
//      deliveries → exactly 2,000 stored; deliveries/s and the time until all are applied.
//   2. A steady 100 deliveries/s for 20 s: latency from the webhook POST to the "messages"
//      frame on a subscribed dashboard socket (/api/realtime), p50/p99 — through wrangler dev's
//      reload proxy, then straight to the Worker runtime.
// Prints figures; never asserts timings.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { ROOT, startStack } from "../e2e/stack.ts";
import { closedLoop, fmt, type HttpReq, percentile, post, printTable, runtimeUrl, saveResult } from "./load.ts";

const N = Number(process.env.BENCH_N ?? 2000);
const CONTACTS = 200;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 3000);

const stack = await startStack();
// The local database is shared with the running server: a busy read is simply retried.
const d1 = (sql: string): Record<string, unknown>[] => {
  for (let attempt = 1; ; attempt++) {
    try {
      return d1Once(sql);
    } catch (err) {
      if (attempt >= 10) throw err;
      execFileSync("sleep", ["0.3"]);
    }
  }
};
const d1Once = (sql: string) => {
  const out = execFileSync(
    path.join(ROOT, "node_modules", ".bin", "wrangler"),
    ["d1", "execute", "DB", "--local", "--persist-to", stack.persistDir, "--json", "--command", sql],
    { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
  );
  return (JSON.parse(out) as { results: Record<string, unknown>[] }[])[0]!.results;
};
try {
  const auth = { authorization: `Bearer ${stack.adminToken}`, "content-type": "application/json" };
  const created = await fetch(`${stack.baseUrl}/api/instances`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ name: `bench-inbox-${Date.now()}`, number: "+5511988887777" }),
  });
  if (created.status !== 201) throw new Error(`create instance: ${created.status} ${await created.text()}`);
  const inst = (await created.json()) as { id: string; name: string };
  const secret = String(d1(`SELECT webhook_secret FROM instances WHERE id = '${inst.id}'`)[0]!.webhook_secret);
  const count = () => Number(d1(`SELECT count(*) AS n FROM messages WHERE instance_id = '${inst.id}'`)[0]!.n);

  const t0 = Math.floor(Date.now() / 1000);
  const phoneOf = (c: number) => `55119${String(70000000 + c)}`;
  const upsert = (id: string, c: number, text: string) =>
    JSON.stringify({
      event: "messages.upsert",
      instance: inst.name,
      data: {
        key: { remoteJid: `${phoneOf(c)}@s.whatsapp.net`, fromMe: false, id },
        pushName: `Contact ${c}`,
        status: "DELIVERY_ACK",
        message: { conversation: text },
        messageType: "conversation",
        messageTimestamp: t0,
        instanceId: "bench",
        source: "android",
      },
      destination: `${stack.baseUrl}/webhooks/${inst.id}`,
      date_time: new Date().toISOString(),
      sender: "5511988887777@s.whatsapp.net",
      server_url: "http://evolution.local",
      apikey: null,
    });
  const hook = (body: string, base = stack.baseUrl): HttpReq => ({
    url: `${base}/webhooks/${inst.id}`,
    headers: { "content-type": "application/json", "x-parley-secret": secret },
    body,
  });

  // Phase 1: N unique messages + 10% duplicates, shuffled.
  const unique = Array.from({ length: N }, (_, i) => upsert(`BENCHIN${t0}${i}`, i % CONTACTS, `message ${i}`));
  const deliveries = [...unique, ...Array.from({ length: Math.round(N / 10) }, (_, i) => unique[(i * 7919) % N]!)];
  for (let i = deliveries.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
  }
  const started = performance.now();
  const load = await closedLoop(deliveries.length, CONCURRENCY, (i) => hook(deliveries[i]!));
  let stored = count();
  while (stored < N && performance.now() - started < 120_000) {
    await new Promise((r) => setTimeout(r, 500));
    stored = count();
  }
  const appliedSeconds = (performance.now() - started) / 1000;
  await new Promise((r) => setTimeout(r, 1000));
  stored = count();
  const conversations = Number(d1(`SELECT count(*) AS n FROM conversations WHERE instance_id = '${inst.id}'`)[0]!.n);
  if (load.errors) console.warn(`  burst statuses: ${JSON.stringify(load.statuses)}`);
  printTable(
    `Inbound burst — ${deliveries.length} deliveries (${N} unique + ${deliveries.length - N} duplicates) over ${CONTACTS} contacts, concurrency ${CONCURRENCY}`,
    ["deliveries/s (ack)", "ack p50 ms", "ack p99 ms", "errors", "stored", "conversations", "all applied after s", "applied msgs/s"],
    [
      [
        fmt(load.perSecond, 0),
        fmt(load.p50),
        fmt(load.p99),
        load.errors,
        `${stored}${stored === N ? " (exact)" : ` (expected ${N})`}`,
        conversations,
        fmt(appliedSeconds, 2),
        fmt(N / appliedSeconds, 0),
      ],
    ],
  );

  // Phase 2: steady rate, latency to the dashboard socket. Conversation → contact map from the API.
  const convs = (await (await fetch(`${stack.baseUrl}/api/conversations?instance_id=${inst.id}&limit=200`, { headers: auth })).json()) as {
    items: { id: string; contact_number: string }[];
  };
  const contactOfConv = new Map(convs.items.map((c) => [c.id, Number(c.contact_number.slice(-8)) - 70000000]));
  // Node's WebSocket (undici) takes headers as an extension of the init argument.
  const WS = WebSocket as unknown as new (url: string, init: { headers: Record<string, string> }) => WebSocket;
  let sent = 0;
  /** RATE deliveries/s for SECONDS against baseUrl; latency from each POST to its frame on a socket of the same server. */
  const steady = async (baseUrl: string) => {
    const lastSend = new Map<number, number>();
    const latencies: number[] = [];
    const ws = new WS(`${baseUrl.replace(/^http/, "ws")}/api/realtime`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
    await new Promise<void>((resolve, reject) => {
      ws.onmessage = (m) => {
        if (typeof m.data !== "string") return;
        const frame = JSON.parse(m.data) as { type: string; topic?: string; data?: { conversation_id?: string } };
        if (frame.type === "snapshot") resolve();
        if (frame.type !== "changed" || frame.topic !== "messages" || !frame.data?.conversation_id) return;
        const c = contactOfConv.get(frame.data.conversation_id);
        const sentAt = c === undefined ? undefined : lastSend.get(c);
        if (sentAt !== undefined) {
          latencies.push(performance.now() - sentAt);
          lastSend.delete(c!);
        }
      };
      ws.onerror = () => reject(new Error("realtime socket failed"));
    });
    // The stack goes quiet for a moment first: what came before (the burst's leftovers, its
    // garbage in the local runtime's heap included) is not billed to the steady phase.
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const total = RATE * SECONDS;
    const interval = 1000 / RATE;
    const begin = performance.now();
    const inflight: Promise<unknown>[] = [];
    let late = 0;
    let failed = 0;
    for (let i = 0; i < total; i++) {
      const due = begin + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else if (wait < -interval) late++;
      const c = i % CONTACTS;
      lastSend.set(c, performance.now());
      inflight.push(
        post(hook(upsert(`BENCHLAT${t0}${sent++}`, c, `steady ${i}`), baseUrl)).then(
          (status) => void (status >= 300 && failed++),
          () => void failed++,
        ),
      );
    }
    await Promise.all(inflight);
    await new Promise((r) => setTimeout(r, 2000));
    ws.close();
    const sorted = latencies.sort((a, b) => a - b);
    return {
      total,
      failed,
      late,
      matched: sorted.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
    };
  };
  // Through `wrangler dev` as `npm run dev` serves it (its reload proxy, a second workerd process,
  // relays every request and frame), then straight to the runtime that runs the Worker — the
  // path production has, with no dev proxy in front.
  const paths: [string, string | null][] = [
    ["wrangler dev (via its reload proxy)", stack.baseUrl],
    ["Worker runtime directly", await runtimeUrl(stack)],
  ];
  const rows: (string | number)[][] = [];
  const steadyResults: Record<string, unknown> = {};
  for (const [label, url] of paths) {
    if (!url) {
      console.warn(`  ${label}: address not found (needs \`ss\`), skipped`);
      continue;
    }
    const r = await steady(url);
    steadyResults[label] = r;
    rows.push([label, r.total, r.failed, r.matched, fmt(r.p50), fmt(r.p95), fmt(r.p99), fmt(r.max), r.late]);
  }
  printTable(
    `Webhook POST → dashboard WebSocket frame — ${RATE}/s for ${SECONDS} s each (target p99 ≤ 100 ms)`,
    ["path", "deliveries", "failed", "frames matched", "p50 ms", "p95 ms", "p99 ms", "max ms", "sent late"],
    rows,
  );
  console.log(
    `\nresults: ${saveResult("inbox", { burst: { deliveries: deliveries.length, unique: N, stored, conversations, load, appliedSeconds }, steady: { rate: RATE, seconds: SECONDS, settleMs: SETTLE_MS, paths: steadyResults } })}`,
  );
} finally {
  await stack.stop();
}

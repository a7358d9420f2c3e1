// `npm run bench`: runs every benchmark of the project one after another (each starts its own
// local stack), then prints one table — figure, value, target, ratio to baseline where there
// is one — and writes it to bench/results/summary.json. Figures only; nothing is asserted.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import path from "node:path";
import { ROOT } from "../e2e/stack.ts";
import { fmt, printTable, saveResult } from "./load.ts";

const BENCHES = ["contacts", "webhooks", "inbox", "campaigns"] as const;
type Name = (typeof BENCHES)[number];
type Figure = { bench: Name; figure: string; value: string; target: string; ratio: string; meets: "yes" | "no" | "" };

const only = process.argv.slice(2).filter((a): a is Name => (BENCHES as readonly string[]).includes(a));
const selected = only.length ? only : [...BENCHES];
const exitCodes: Partial<Record<Name, number>> = {};
for (const name of selected) {
  console.log(`\n=== npm run bench:${name} ===`);
  const started = Date.now();
  const r = spawnSync("npm", ["run", "--silent", `bench:${name}`], { cwd: ROOT, stdio: "inherit", env: process.env });
  exitCodes[name] = r.status ?? 1;
  console.log(`=== bench:${name} exited ${r.status} after ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

const read = <T>(name: Name): T | null => {
  const file = path.join(ROOT, "bench", "results", `${name}.json`);
  return existsSync(file) && exitCodes[name] === 0 ? (JSON.parse(readFileSync(file, "utf8")) as T) : null;
};
const yes = (ok: boolean) => (ok ? "yes" : "no");
const figures: Figure[] = [];
const add = (f: Figure) => figures.push(f);

type Contacts = { targetP95Ms: number; queries: { label: string; apiP50: number; apiP95: number; sqliteP50: number }[]; import: { rows: number; ms: number } };
const contacts = read<Contacts>("contacts");
for (const q of contacts?.queries ?? [])
  add({
    bench: "contacts",
    figure: `${q.label}: API p95`,
    value: `${fmt(q.apiP95)} ms`,
    target: `≤ ${contacts!.targetP95Ms} ms`,
    ratio: `${fmt(q.apiP50 / q.sqliteP50)}× direct SQLite (p50)`,
    meets: yes(q.apiP95 <= contacts!.targetP95Ms),
  });
if (contacts)
  add({
    bench: "contacts",
    figure: `CSV import of ${contacts.import.rows} rows`,
    value: `${fmt(contacts.import.ms / 1000, 1)} s`,
    target: "within Worker limits",
    ratio: "",
    meets: "",
  });

type WebhookRun = { webhook: { perSecond: number; p99: number }; throughputRatio: number; p99Ratio: number };
const webhooks = read<{ concurrency: number; results: Record<string, WebhookRun> }>("webhooks");
for (const [body, r] of Object.entries(webhooks?.results ?? {})) {
  add({
    bench: "webhooks",
    figure: `${body}: deliveries/s at ${webhooks!.concurrency} concurrent`,
    value: fmt(r.webhook.perSecond, 0),
    target: "≥ 0.5× empty route",
    ratio: `${fmt(r.throughputRatio, 2)}× empty route`,
    meets: yes(r.throughputRatio >= 0.5),
  });
  add({
    bench: "webhooks",
    figure: `${body}: ack p99`,
    value: `${fmt(r.webhook.p99)} ms`,
    target: "≤ 2× empty route p99",
    ratio: `${fmt(r.p99Ratio, 2)}× empty route`,
    meets: yes(r.p99Ratio <= 2),
  });
}

type Inbox = {
  burst: { deliveries: number; unique: number; stored: number; load: { perSecond: number } };
  steady: { rate: number; paths: Record<string, { p50: number; p99: number }> };
};
const inbox = read<Inbox>("inbox");
if (inbox) {
  add({
    bench: "inbox",
    figure: `${inbox.burst.deliveries} deliveries (10% duplicates): messages stored`,
    value: String(inbox.burst.stored),
    target: `exactly ${inbox.burst.unique}`,
    ratio: "",
    meets: yes(inbox.burst.stored === inbox.burst.unique),
  });
  add({ bench: "inbox", figure: "burst deliveries/s at 50 concurrent", value: fmt(inbox.burst.load.perSecond, 0), target: "", ratio: "", meets: "" });
  for (const [path, r] of Object.entries(inbox.steady.paths)) {
    add({
      bench: "inbox",
      figure: `webhook → WebSocket frame at ${inbox.steady.rate}/s, ${path}: p50`,
      value: `${fmt(r.p50)} ms`,
      target: "",
      ratio: "",
      meets: "",
    });
    add({
      bench: "inbox",
      figure: `webhook → WebSocket frame at ${inbox.steady.rate}/s, ${path}: p99`,
      value: `${fmt(r.p99)} ms`,
      target: "≤ 100 ms",
      ratio: "",
      meets: yes(r.p99 <= 100),
    });
  }
}

type Campaigns = {
  n: number;
  bulk: { seconds: number; view: { sent: number; failed: number }; unique: number };
  paced: { mean: number; within: number; gaps: number[] };
};
const campaigns = read<Campaigns>("campaigns");
if (campaigns) {
  const { bulk, paced } = campaigns;
  add({
    bench: "campaigns",
    figure: `${campaigns.n} recipients unpaced: sends/s`,
    value: fmt(bulk.view.sent / bulk.seconds, 1),
    target: "",
    ratio: "",
    meets: "",
  });
  add({
    bench: "campaigns",
    figure: "per-send overhead (wall time / recipients)",
    value: `${fmt((bulk.seconds * 1000) / campaigns.n, 1)} ms`,
    target: "",
    ratio: "",
    meets: "",
  });
  add({
    bench: "campaigns",
    figure: "no number sent twice (unique numbers / sent+failed)",
    value: `${bulk.unique} / ${bulk.view.sent + bulk.view.failed}`,
    target: "equal",
    ratio: "",
    meets: yes(bulk.unique === bulk.view.sent + bulk.view.failed),
  });
  const err = (paced.mean - 1000) / 1000;
  add({
    bench: "campaigns",
    figure: "pacing at 60/min: mean gap",
    value: `${fmt(paced.mean, 0)} ms`,
    target: "1000 ms ± 10%",
    ratio: `${fmt(err * 100, 1)}% off`,
    meets: yes(Math.abs(err) <= 0.1),
  });
  add({ bench: "campaigns", figure: "pacing at 60/min: gaps within ±10%", value: `${paced.within}/${paced.gaps.length}`, target: "", ratio: "", meets: "" });
}

for (const name of selected)
  if (exitCodes[name] !== 0) add({ bench: name, figure: "benchmark run", value: `exited ${exitCodes[name]}`, target: "0", ratio: "", meets: "no" });

printTable(
  `All benchmarks — ${cpus().length} cores, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" / ")}`,
  ["bench", "figure", "value", "target", "ratio to baseline", "meets"],
  figures.map((f) => [f.bench, f.figure, f.value, f.target, f.ratio, f.meets]),
);
console.log(`\nsummary: ${saveResult("summary", { at: new Date().toISOString(), cores: cpus().length, loadavg: loadavg(), exitCodes, figures })}`);

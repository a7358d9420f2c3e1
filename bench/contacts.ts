// `npm run bench:contacts`: seeds 100,000 contacts with 50 Zipf-skewed tags into a fresh local
// D1, starts the real Worker (`wrangler dev`, via e2e/stack.ts), and times the contacts API
// against the same SQL run directly on the same SQLite file. Prints figures; asserts nothing.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";
import { applyMigrations, startStack } from "../e2e/stack.ts";
import { saveResult } from "./load.ts";
import { d1File, seed } from "./seed.ts";

const N = Number(process.env.BENCH_CONTACTS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const WARMUP = 5;
const TARGET_P95_MS = 50;

type Case = { label: string; path: string; direct: (db: DatabaseSync) => void };

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function time(fn: () => Promise<void> | void): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { p50: pct(samples, 50), p95: pct(samples, 95) };
}

// The statements the query layer (worker/contacts/contacts.queries.ts listContacts) runs, written out:
// the dense page attempt + count in one batch, then the sparse page only when the dense one
// came back short. The ratio therefore isolates what HTTP, the Worker and the D1 binding add.
const PAGE = 51; // limit 50 + 1 to detect the next page
const RECENT = "id IN (SELECT id FROM contacts ORDER BY created_at DESC, id DESC LIMIT 2000)";
const ORDER = `ORDER BY created_at DESC, id DESC LIMIT ${PAGE}`;
const SPARSE_ORDER = `ORDER BY +created_at DESC, id DESC LIMIT ${PAGE}`;

function adaptive(db: DatabaseSync, probe: string, set: string, countSql: string, params: string[]) {
  const rows = db.prepare(`SELECT * FROM contacts WHERE ${RECENT} AND ${probe} ${ORDER}`).all(...params);
  const n = Number(Object.values(db.prepare(countSql).get(...params) ?? {})[0]);
  if (rows.length < PAGE && rows.length < n) db.prepare(`SELECT * FROM contacts WHERE ${set} ${SPARSE_ORDER}`).all(...params);
}

function tagsCase(label: string, a: string, b: string): Case {
  const has = "EXISTS (SELECT 1 FROM contact_tags WHERE contact_tags.contact_id = contacts.id AND contact_tags.tag = ?)";
  const ids =
    "SELECT contact_id FROM contact_tags WHERE tag = ? AND EXISTS (SELECT 1 FROM contact_tags AS other WHERE other.contact_id = contact_tags.contact_id AND other.tag = ?)";
  const rarity = "SELECT value AS tag, (SELECT count(*) FROM (SELECT 1 FROM contact_tags WHERE tag = value LIMIT 10000)) AS n FROM json_each(?)";
  return {
    label,
    path: `/api/contacts?tags=${a},${b}`,
    direct: (db) => {
      // Rarest tag first, as withRarestTagFirst does.
      const sizes = db.prepare(rarity).all(JSON.stringify([a, b])) as { tag: string; n: number }[];
      const order = sizes.sort((x, y) => x.n - y.n).map((s) => s.tag);
      adaptive(db, `${has} AND ${has}`, `id IN (${ids})`, `SELECT count(*) FROM (${ids})`, order);
    },
  };
}

function nameCase(label: string, name: string): Case {
  const like = "name LIKE ? ESCAPE '\\'";
  return {
    label,
    path: `/api/contacts/search?name=${encodeURIComponent(name)}`,
    direct: (db) => adaptive(db, like, like, `SELECT count(*) FROM contacts WHERE ${like}`, [`%${name}%`]),
  };
}

const CASES: Case[] = [
  tagsCase("tags=a,b (2 most used tags)", "tag01", "tag02"),
  tagsCase("tags=a,b (common + rare tag)", "tag01", "tag40"),
  tagsCase("tags=a,b (2 rare tags)", "tag39", "tag40"),
  {
    label: "GET /api/tags",
    path: "/api/tags",
    direct: (db) => db.prepare("SELECT tag, count(*) FROM contact_tags GROUP BY tag ORDER BY count(*) DESC, tag").all(),
  },
  nameCase("search name (common: 'silva')", "silva"),
  nameCase("search name (no match)", "zzzz"),
  {
    label: "list, no filter (page + total)",
    path: "/api/contacts",
    direct: (db) => {
      db.prepare(`SELECT * FROM contacts ${ORDER}`).all();
      db.prepare("SELECT count(*) FROM contacts").get();
    },
  },
];

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), "parley-bench-"));
  let stop: (() => Promise<void>) | undefined;
  try {
    let t0 = Date.now();
    await applyMigrations(dir);
    const file = d1File(dir);
    const { tagCounts } = seed(file, N);
    console.log(`seeded ${N} contacts, ${[...tagCounts.values()].reduce((a, b) => a + b, 0)} tag rows in ${Date.now() - t0} ms`);
    console.log(
      `tag skew: tag01=${tagCounts.get("tag01")}, tag02=${tagCounts.get("tag02")}, tag10=${tagCounts.get("tag10")}, tag40=${tagCounts.get("tag40")}, tag50=${tagCounts.get("tag50")}`,
    );

    t0 = Date.now();
    const stack = await startStack({ persistDir: dir, withSimulator: false, vars: { EVOLUTION_API_KEY: "bench" } });
    stop = stack.stop;
    console.log(`worker up at ${stack.baseUrl} in ${Date.now() - t0} ms\n`);
    const headers = { authorization: `Bearer ${stack.adminToken}` };

    const sqlite = new DatabaseSync(file, { readOnly: true });
    const rows: string[][] = [];
    const measured: { label: string; apiP50: number; apiP95: number; sqliteP50: number }[] = [];
    for (const c of CASES) {
      const res = await fetch(stack.baseUrl + c.path, { headers });
      const body = (await res.json()) as { count?: number } | unknown[];
      if (!res.ok) throw new Error(`${c.path} → ${res.status} ${JSON.stringify(body)}`);
      const count = Array.isArray(body) ? `${body.length} tags` : `count ${body.count}`;
      const api = await time(async () => {
        const r = await fetch(stack.baseUrl + c.path, { headers });
        await r.arrayBuffer();
      });
      const direct = await time(() => c.direct(sqlite));
      const ok = api.p95 <= TARGET_P95_MS ? "ok" : "OVER";
      measured.push({ label: c.label, apiP50: api.p50, apiP95: api.p95, sqliteP50: direct.p50 });
      rows.push([
        c.label,
        count,
        api.p50.toFixed(1),
        api.p95.toFixed(1),
        direct.p50.toFixed(2),
        direct.p95.toFixed(2),
        `${(api.p50 / direct.p50).toFixed(1)}x`,
        ok,
      ]);
    }
    sqlite.close();
    const head = ["query", "result", "API p50", "API p95", "SQLite p50", "SQLite p95", "ratio p50", `p95≤${TARGET_P95_MS}ms`];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ");
    console.log(line(head));
    console.log(widths.map((w) => "-".repeat(w)).join("  "));
    for (const r of rows) console.log(line(r));
    console.log(`\n${RUNS} timed runs per query after ${WARMUP} warm-up runs; times in ms; API = HTTP round trip to wrangler dev.`);
    // A 50,000-row import (half new numbers, half merges into seeded contacts) through the API.
    const lines = ["name,whatsapp_number,tags"];
    for (let i = 0; i < 50_000; i++) {
      const n = i % 2 ? `+55119${String(10_000_000 + i).padStart(8, "0")}` : `+55219${String(20_000_000 + i).padStart(8, "0")}`;
      lines.push(`Imported ${i},${n},imported;batch${i % 10}`);
    }
    const csv = lines.join("\n");
    const t1 = performance.now();
    const imp = await fetch(`${stack.baseUrl}/api/contacts/import`, { method: "POST", headers: { ...headers, "content-type": "text/csv" }, body: csv });
    const report = (await imp.json()) as { created: number; updated: number; rejected_count: number };
    console.log(
      `\nimport of 50,000 rows (${(csv.length / 1e6).toFixed(1)} MB): HTTP ${imp.status} in ${(performance.now() - t1).toFixed(0)} ms → created ${report.created}, updated ${report.updated}, rejected ${report.rejected_count}`,
    );
    // Other processes on a small machine move p95 a lot; the load average says how busy it was.
    console.log(
      `machine: ${cpus().length} cores, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" / ")}`,
    );
    const importMs = performance.now() - t1;
    console.log(
      `\nresults: ${saveResult("contacts", { contacts: N, targetP95Ms: TARGET_P95_MS, queries: measured, import: { rows: 50_000, ms: importMs, ...report }, loadavg: loadavg() })}`,
    );
  } finally {
    await stop?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

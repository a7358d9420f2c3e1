// Shared load-generation helpers for the benchmarks: a bounded, closed-loop HTTP load at fixed
// concurrency against a server on this machine, a light POST client, and percentile maths.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { ROOT, type Stack } from "../e2e/stack.ts";

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

/** A request for post(): built once, sent over a kept-alive connection. */
export type HttpReq = { url: string; headers: Record<string, string>; body: string };

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * POSTs over node:http with kept-alive connections and answers the status once the body is read.
 * The load generator shares the machine with the stack under test: this costs it a fraction of
 * what fetch() (undici) does per request, leaving the CPU to the server being measured.
 */
export function post(req: HttpReq): Promise<number> {
  return new Promise((resolve, reject) => {
    const r = http.request(req.url, { method: "POST", agent, headers: { ...req.headers, "content-length": String(Buffer.byteLength(req.body)) } }, (res) => {
      res.on("data", () => undefined);
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    r.on("error", reject);
    r.end(req.body);
  });
}

export type LoadResult = {
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  statuses: Record<number, number>;
};

/**
 * Sends `total` requests built by `make(i)` with `concurrency` in flight; each worker sends its
 * next request when the previous one is answered. Latency is request start → full response.
 */
export async function closedLoop(total: number, concurrency: number, make: (i: number) => HttpReq): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const t0 = performance.now();
      try {
        const status = await post(make(i));
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status < 200 || status > 299) errors++;
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    count: total,
    errors,
    seconds,
    perSecond: total / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    statuses,
  };
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "—");

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, c) => Math.max(...cells.map((r) => r[c]?.length ?? 0)));
  console.log(`\n${title}`);
  for (const [i, r] of cells.entries()) {
    console.log(r.map((v, c) => v.padEnd(widths[c]!)).join("  "));
    if (i === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}

/** Writes bench/results/<name>.json (git-ignored) for `npm run bench` to collect. */
export function saveResult(name: string, data: unknown): string {
  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2));
  return file;
}

/**
 * The Worker runtime's own address under `wrangler dev`, or null when it cannot be found (no
 * `ss` here). wrangler puts a reload proxy — a second workerd process — in front of the runtime
 * that runs the Worker; production has no such hop. Found as the workerd process below the
 * stack's wrangler that answers /healthz on a port other than the proxy's.
 */
export async function runtimeUrl(stack: Stack): Promise<string | null> {
  const below = (pid: number): number[] => {
    let kids: number[] = [];
    try {
      kids = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
        .trim()
        .split("\n")
        .filter(Boolean)
        .map(Number);
    } catch {
      // no children
    }
    return kids.flatMap((k) => [k, ...below(k)]);
  };
  const workerd = below(stack.workerPid).filter((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("workerd\0serve"));
  let listening: string;
  try {
    listening = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" });
  } catch {
    return null;
  }
  const proxyPort = new URL(stack.baseUrl).port;
  for (const line of listening.split("\n")) {
    const port = /127\.0\.0\.1:(\d+)/.exec(line)?.[1];
    if (!port || port === proxyPort || !workerd.some((pid) => line.includes(`pid=${pid},`))) continue;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (res.ok && (res.headers.get("content-type") ?? "").includes("json")) return `http://127.0.0.1:${port}`;
    } catch {
      // not an HTTP port of ours (the inspector, a control socket)
    }
  }
  return null;
}

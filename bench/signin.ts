// `npm run bench:signin`: what a password sign-in costs (issue 17). PBKDF2-SHA256 with 100,000
// iterations (worker/team/password.ts) is CPU and nothing else, so on an idle local runtime the
// wall time of a password sign-in minus that of an admin-token sign-in (same route, same
// session write, no hashing) is its CPU time. Beside it, the same derivation in this Node
// process measured with process.cpuUsage() (OpenSSL here, BoringSSL in workerd). Prints only.
import { webcrypto } from "node:crypto";
import { startStack } from "../e2e/stack.ts";
import { fmt, percentile, printTable, runtimeUrl, saveResult } from "./load.ts";

const ROUNDS = Number(process.env.BENCH_N ?? 40);

async function nodeCpuMs(): Promise<number[]> {
  const out: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < 20; i++) {
    const key = await webcrypto.subtle.importKey("raw", enc.encode("correct horse battery"), "PBKDF2", false, ["deriveBits"]);
    const before = process.cpuUsage();
    await webcrypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: new Uint8Array(16), iterations: 100_000 }, key, 256);
    const used = process.cpuUsage(before);
    out.push((used.user + used.system) / 1000);
  }
  return out.sort((a, b) => a - b);
}

const stack = await startStack({ quiet: process.env.BENCH_VERBOSE ? false : undefined });
try {
  const base = (await runtimeUrl(stack)) ?? stack.baseUrl;
  const email = `bench-${Date.now()}@example.test`;
  const made = await stack.api<{ invite_url: string }>("/api/users", { email, name: "Bench", role: "agent" });
  const token = new URL(made.invite_url).hash.slice("#token=".length);
  const password = "correct horse battery";
  const accepted = await fetch(`${base}/api/invites/accept`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token, password }),
  });
  if (!accepted.ok) throw new Error(`accept: ${accepted.status} ${await accepted.text()}`);

  let n = 0;
  const time = async (body: unknown, want: number) => {
    // A fresh client address each time: the sign-in limiter allows 10 a minute per client.
    const ip = `10.90.${Math.floor(n / 250)}.${n++ % 250}`;
    const t0 = performance.now();
    const res = await fetch(`${base}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": ip },
      body: JSON.stringify(body),
    });
    await res.arrayBuffer();
    const ms = performance.now() - t0;
    if (res.status !== want) throw new Error(`sign-in answered ${res.status}, expected ${want}`);
    return ms;
  };
  const runs = { password: [] as number[], wrong: [] as number[], token: [] as number[] };
  for (let i = 0; i < 5; i++) await time({ token: stack.adminToken }, 200); // warm-up
  for (let i = 0; i < ROUNDS; i++) {
    runs.password.push(await time({ email, password }, 200));
    runs.wrong.push(await time({ email, password: "not it" }, 401));
    runs.token.push(await time({ token: stack.adminToken }, 200));
  }
  for (const k of Object.keys(runs) as (keyof typeof runs)[]) runs[k].sort((a, b) => a - b);
  const p50 = (xs: number[]) => percentile(xs, 50);
  const node = await nodeCpuMs();
  const rows = [
    ["sign-in with e-mail + password: wall p50", `${fmt(p50(runs.password))} ms`],
    ["wrong password: wall p50", `${fmt(p50(runs.wrong))} ms`],
    ["admin token (no hashing): wall p50", `${fmt(p50(runs.token))} ms`],
    ["PBKDF2 share of a sign-in in workerd (password − token, p50)", `${fmt(p50(runs.password) - p50(runs.token))} ms`],
    ["PBKDF2-SHA256 100k in Node, CPU time (process.cpuUsage) p50", `${fmt(p50(node))} ms`],
  ];
  printTable(`Sign-in cost, ${ROUNDS} rounds each, ${base === stack.baseUrl ? "via wrangler's proxy" : "Worker runtime directly"}`, ["figure", "value"], rows);
  saveResult("signin", { rounds: ROUNDS, runs, node_cpu_ms: node });
} finally {
  await stack.stop();
}

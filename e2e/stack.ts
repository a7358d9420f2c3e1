// Starts the whole local stack — Evolution simulator, local D1 with migrations, `wrangler dev`
// serving the API and the built dashboard — for `npm run dev`, the browser tests and the
// benchmarks. Everything runs offline; no Cloudflare account is needed.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "..");
const BIN = path.join(ROOT, "node_modules", ".bin");

export const DEV_VARS = path.join(ROOT, ".dev.vars");

/** The NAME=value lines of .dev.vars (secrets for local runs; git-ignored). */
export function readDevVars(): Record<string, string> {
  if (!existsSync(DEV_VARS)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(DEV_VARS, "utf8").split("\n")) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) out[m[1]!] = m[2]!.replace(/^"(.*)"$/, "$1");
  }
  return out;
}

export type Stack = {
  baseUrl: string;
  simUrl: string | null;
  /** The Worker's API as the admin: GET `path`, or POST with a JSON body. Throws on non-2xx. */
  api: <T = unknown>(path: string, body?: unknown) => Promise<T>;
  /** The simulator's control API: GET `/_sim<path>`, or POST with a JSON body. Throws on non-2xx. */
  sim: <T = unknown>(path: string, body?: unknown) => Promise<T>;
  adminToken: string;
  persistDir: string;
  /** The `wrangler dev` process (the runtime it starts runs below it). */
  workerPid: number;
  stop: () => Promise<void>;
};

export type StackOptions = {
  port?: number;
  simPort?: number;
  /** Where local D1/DO/R2 state lives; a fresh temp dir when omitted (deleted on stop). */
  persistDir?: string;
  adminToken?: string;
  /** A real Evolution server; when absent the simulator is started (unless withSimulator is false). */
  evolutionUrl?: string;
  withSimulator?: boolean;
  /** The Worker entry to run instead of wrangler.toml's `main` (from the repository root), e.g. the bench's. */
  main?: string;
  /** Extra --var NAME:value pairs for the Worker. */
  vars?: Record<string, string>;
  quiet?: boolean;
};

export async function freePort(): Promise<number> {
  const srv = createServer();
  srv.listen(0, "127.0.0.1");
  await once(srv, "listening");
  const addr = srv.address();
  srv.close();
  if (!addr || typeof addr === "string") throw new Error("no port");
  return addr.port;
}

export function run(cmd: string, args: string[], quiet = true): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: quiet ? ["ignore", "pipe", "pipe"] : "inherit", env: process.env });
    let out = "";
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}\n${out}`))));
  });
}

function start(cmd: string, args: string[], env: Record<string, string>, quiet: boolean, label: string): ChildProcess {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: process.platform !== "win32",
  });
  const prefix = (d: Buffer) =>
    d
      .toString()
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => `[${label}] ${l}`)
      .join("\n");
  child.stdout?.on("data", (d: Buffer) => !quiet && console.log(prefix(d)));
  child.stderr?.on("data", (d: Buffer) => !quiet && console.error(prefix(d)));
  return child;
}

async function waitFor(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`process for ${url} exited with ${child.exitCode}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${url}`);
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = once(child, "exit");
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    child.kill("SIGTERM");
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // gone
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * The config the local stack runs from: wrangler.toml without its `[ai]` and `[secrets]`
 * tables. Workers AI has no local simulator, and with the binding declared `wrangler dev`
 * opens a remote session that needs a Cloudflare login; secrets come as --var values.
 * Paths are rewritten because wrangler resolves them from the file.
 */
export function localConfig(): string {
  const dir = path.join(ROOT, ".wrangler", "local");
  mkdirSync(dir, { recursive: true });
  const up = path.relative(dir, ROOT);
  const toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8")
    .replace(/^\[ai\]\n(?:[a-z_]+ = .*\n?)*/m, "")
    // Secrets reach the local Worker as --var values, not through a .dev.vars beside this copy.
    .replace(/^\[secrets\]\n(?:[a-z_]+ = .*\n?)*/m, "")
    .replace(/^(main|directory|migrations_dir) = "(?!\/)([^"]+)"/gm, (_, k: string, v: string) => `${k} = "${path.join(up, v)}"`);
  const file = path.join(dir, "wrangler.toml");
  writeFileSync(file, `# Generated by e2e/stack.ts from ../../wrangler.toml — do not edit.\n${toml}`);
  return file;
}

export async function applyMigrations(persistDir: string): Promise<void> {
  await run(path.join(BIN, "wrangler"), ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persistDir, "-c", localConfig()]);
}

export async function buildDashboard(quiet = true): Promise<void> {
  await run(path.join(BIN, "vite"), ["build", "web", "--logLevel", "warn"], quiet);
}

export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const quiet = opts.quiet ?? true;
  const ownDir = !opts.persistDir;
  const persistDir = opts.persistDir ?? mkdtempSync(path.join(tmpdir(), "parley-"));
  const port = opts.port ?? (await freePort());
  const adminToken = opts.adminToken ?? `test-admin-${crypto.randomUUID()}`;
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(kill));
    if (ownDir) rmSync(persistDir, { recursive: true, force: true });
  };
  try {
    if (!existsSync(path.join(ROOT, "web", "dist", "index.html"))) await buildDashboard();
    await applyMigrations(persistDir);

    let simUrl: string | null = null;
    let evolutionUrl = opts.evolutionUrl;
    if (!evolutionUrl && opts.withSimulator !== false) {
      const simPort = opts.simPort ?? (await freePort());
      simUrl = `http://127.0.0.1:${simPort}`;
      const sim = start("npm", ["run", "--silent", "sim"], { SIM_PORT: String(simPort) }, quiet, "sim");
      children.push(sim);
      await waitFor(`${simUrl}/_sim/health`, sim, 60_000);
      evolutionUrl = simUrl;
    }

    const baseUrl = `http://127.0.0.1:${port}`;
    const vars: Record<string, string> = {
      ADMIN_TOKEN: adminToken,
      BASE_URL: baseUrl,
      ...(evolutionUrl ? { EVOLUTION_URL: evolutionUrl } : {}),
      ...(simUrl ? { EVOLUTION_API_KEY: "simulator-global-key" } : {}),
      ...opts.vars,
    };
    const args = ["dev", ...(opts.main ? [opts.main] : []), "-c", localConfig(), "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistDir];
    args.push("--show-interactive-dev-session=false", "--inspector-port", String(await freePort()));
    for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
    // wrangler's local trace recorder (its "local explorer" observability: every span and log
    // line stored in a local database, a cost production does not have) stays off unless asked for.
    const worker = start(
      path.join(BIN, "wrangler"),
      args,
      { SIMULATOR_API_KEY: "simulator-global-key", X_LOCAL_OBSERVABILITY: process.env.X_LOCAL_OBSERVABILITY ?? "false" },
      quiet,
      "worker",
    );
    children.push(worker);
    await waitFor(`${baseUrl}/healthz`, worker, 90_000);
    const sim = async <T>(path: string, body?: unknown): Promise<T> => {
      if (!simUrl) throw new Error("this stack runs without the simulator");
      const init = body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
      const res = await fetch(`${simUrl}/_sim${path}`, init);
      if (!res.ok) throw new Error(`sim ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const api = async <T>(path: string, body?: unknown): Promise<T> => {
      const res = await fetch(`${baseUrl}${path}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    return { baseUrl, simUrl, api, sim, adminToken, persistDir, workerPid: worker.pid!, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

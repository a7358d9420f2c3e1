// `npm run check:structure`: the layout rules of CONVENTIONS.md "Layout", checked on the code.
//   1. no import circles in worker/ or web/src (type-only imports included);
//   2. only worker/platform/db/ and *.queries.ts import drizzle-orm;
//   3. a feature never imports another feature's routes (*.routes.ts);
//   4. no app file (outside tests and generated types) over 250 lines.
// Imports are read with TypeScript's own pre-processor, so comments and strings never count.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(import.meta.dirname, "..");
const MAX_LINES = 250;
const FEATURES = ["instances", "inbox", "campaigns", "contacts", "agents", "menus", "outbox", "team"];

const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (name === "node_modules" || name === "dist") return [];
    return statSync(full).isDirectory() ? walk(full) : /\.tsx?$/.test(name) ? [full] : [];
  });

const rel = (f: string) => path.relative(ROOT, f);
const isTest = (f: string) => rel(f).startsWith("worker/test/");
const isGenerated = (f: string) => f.endsWith("worker-configuration.d.ts");
const files = [...walk(path.join(ROOT, "worker")), ...walk(path.join(ROOT, "web", "src"))].filter((f) => !isGenerated(f));

function resolve(from: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null;
  const base = path.resolve(path.dirname(from), spec);
  for (const ext of ["", ".ts", ".tsx", "/index.ts", "/index.tsx"]) {
    const p = base + ext;
    try {
      if (statSync(p).isFile() && /\.tsx?$/.test(p)) return p;
    } catch {}
  }
  return null;
}

const problems: string[] = [];
const graph = new Map<string, string[]>();
for (const f of files) {
  const src = readFileSync(f, "utf8");
  const { importedFiles } = ts.preProcessFile(src, true, true);
  const specs = importedFiles.map((i) => i.fileName);
  const targets = specs.map((s) => resolve(f, s)).filter((t): t is string => t !== null);
  graph.set(f, targets);
  if (isTest(f)) continue;
  const r = rel(f);
  if (specs.some((s) => s === "drizzle-orm" || s.startsWith("drizzle-orm/")) && !r.startsWith("worker/platform/db/") && !r.endsWith(".queries.ts"))
    problems.push(`${r}: imports drizzle-orm (only worker/platform/db/ and *.queries.ts may)`);
  const feature = FEATURES.find((x) => r.startsWith(`worker/${x}/`));
  for (const t of targets) {
    const tr = rel(t);
    const other = FEATURES.find((x) => tr.startsWith(`worker/${x}/`));
    if (feature && other && other !== feature && tr.endsWith(".routes.ts")) problems.push(`${r}: imports ${tr}, another feature's routes`);
    if (r.startsWith("worker/platform/") && other) problems.push(`${r}: platform/ imports the feature file ${tr}`);
    if (r.startsWith("worker/shared/") && !tr.startsWith("worker/shared/")) problems.push(`${r}: shared/ (the wire contract) imports ${tr}`);
  }
  const lines = src.split("\n").length;
  if (lines > MAX_LINES) problems.push(`${r}: ${lines} lines (over ${MAX_LINES})`);
}

// Cycles: Tarjan's strongly connected components over the whole graph (tests included: a test
// importing two files in a circle would hide nothing, and app files never import tests).
let index = 0;
const idx = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const on = new Set<string>();
function strong(v: string) {
  idx.set(v, index);
  low.set(v, index++);
  stack.push(v);
  on.add(v);
  for (const w of graph.get(v) ?? []) {
    if (!idx.has(w)) {
      strong(w);
      low.set(v, Math.min(low.get(v)!, low.get(w)!));
    } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
  }
  if (low.get(v) === idx.get(v)) {
    const comp: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      on.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) problems.push(`import circle: ${comp.map(rel).sort().join(" ↔ ")}`);
  }
}
for (const f of graph.keys()) if (!idx.has(f)) strong(f);

if (problems.length) {
  console.error(problems.map((p) => `✗ ${p}`).join("\n"));
  console.error(`\n${problems.length} structure problem(s) in ${files.length} files`);
  process.exit(1);
}
console.log(
  `structure ok: ${files.length} files, no import circles, drizzle-orm only in platform/db and *.queries.ts, no cross-feature route imports, none over ${MAX_LINES} lines`,
);

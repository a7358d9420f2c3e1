/** Parsed JSON's plain object (not null, not an array): the one place `unknown` JSON is told apart. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === "object" && v !== null;

/** A key as shown in a path: hostile keys can be megabytes long, the path is for a message. */
const shown = (key: string) => (key.length > 64 ? `${key.slice(0, 63)}…` : key);

/**
 * Where `value` nests more than `max` containers deep (the outermost object or array is level 1):
 * the keys leading to the first container past the bound, or null when it stays within it.
 * Iterative on purpose — JSON.parse in V8 is not recursive, but JSON.stringify, structured clone
 * (RPC to a Durable Object) and any recursive walk are, and overflow the stack on what a few
 * kilobytes of `[[[[…` produce. It never looks below level `max`, so its cost is bounded by the
 * value's size and it ends on cyclic input too.
 */
export function jsonTooDeep(value: unknown, max: number): string[] | null {
  if (!isContainer(value)) return null;
  // Each entry: a container, its level, and the path to it as a linked list (built only on a hit).
  type Frame = { v: Container; level: number; key: string; up: Frame | null };
  const stack: Frame[] = [{ v: value, level: 1, key: "", up: null }];
  for (let f = stack.pop(); f; f = stack.pop()) {
    if (f.level > max) {
      const path: string[] = [];
      for (let p: Frame | null = f; p?.up; p = p.up) path.push(shown(p.key));
      return path.reverse();
    }
    for (const [k, child] of Object.entries(f.v)) if (isContainer(child)) stack.push({ v: child, level: f.level + 1, key: k, up: f });
  }
  return null;
}

/**
 * A copy of `value` with every container past level `max` replaced by `marker`; iterative, like
 * jsonTooDeep. For showing a value stored before its depth was bounded: the levels a person can
 * read are kept. Own `__proto__` keys stay data.
 */
export function clipJsonDepth(value: unknown, max: number, marker: unknown): unknown {
  if (!isContainer(value)) return value;
  if (max < 1) return marker;
  const copyOf = (v: Container): Container => (Array.isArray(v) ? [] : {});
  const root = copyOf(value);
  const stack: { from: Container; to: Container; level: number }[] = [{ from: value, to: root, level: 1 }];
  for (let f = stack.pop(); f; f = stack.pop()) {
    for (const [k, child] of Object.entries(f.from)) {
      let out: unknown = child;
      if (isContainer(child)) {
        if (f.level >= max) out = marker;
        else stack.push({ from: child, to: (out = copyOf(child)), level: f.level + 1 });
      }
      if (Array.isArray(f.to)) f.to.push(out);
      else Object.defineProperty(f.to, k, { value: out, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}

import type { JsonObject } from "../db/schema";
import { isObject } from "./json";

/**
 * The llm_context "append" rule: objects merge recursively, arrays concatenate (existing
 * items first), and for anything else — scalars, or a type change such as object → array —
 * the value from `patch` wins. Neither input is mutated.
 */
export function deepMerge(base: JsonObject, patch: JsonObject): JsonObject {
  const out: JsonObject = { ...base };
  for (const [key, next] of Object.entries(patch)) {
    // "__proto__" as an own key from JSON.parse must stay data, never reach the prototype.
    const prev = Object.hasOwn(base, key) ? base[key] : undefined;
    let value: unknown = next;
    if (isObject(prev) && isObject(next)) value = deepMerge(prev, next);
    else if (Array.isArray(prev) && Array.isArray(next)) value = [...prev, ...next];
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

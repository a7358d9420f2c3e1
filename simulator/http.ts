// Evolution's HTTP conventions: the error envelope, the guard order (instance exists → apikey),
// and jsonschema-style validation messages ("instance requires property \"text\"").
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { SimEngine } from "./engine";
import type { SimInstance } from "./state";

const ERROR_NAMES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  500: "Internal Server Error",
};

export function evoError(c: Context, status: number, message: string | unknown[]): Response {
  const body = {
    status,
    error: ERROR_NAMES[status] ?? (status >= 500 ? "Internal Server Error" : "Error"),
    response: { message: status === 401 ? "Unauthorized" : Array.isArray(message) ? message : [message] },
  };
  return c.json(body, status as ContentfulStatusCode);
}

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The body as an object; a non-JSON body behaves like Express' parser (400). */
export async function readBody(c: Context): Promise<Json | Response> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : evoError(c, 400, "instance is not of a type(s) object");
  } catch {
    return evoError(c, 400, `Unexpected token in JSON at position 0`);
  }
}

/** Guard order as in Evolution: unknown instance → 404 before the apikey is looked at. */
export function guard(sim: SimEngine, c: Context, name: string): SimInstance | Response {
  const inst = sim.instances.get(name);
  if (!inst) return evoError(c, 404, `The "${name}" instance does not exist`);
  const key = c.req.header("apikey");
  if (key !== sim.opts.apiKey && key !== inst.token) return evoError(c, 401, "Unauthorized");
  return inst;
}

/** jsonschema messages for missing or mistyped properties, e.g. `instance requires property "text"`. */
export function checkProps(
  body: Json,
  spec: Record<string, "string" | "boolean" | "object" | "array" | "number" | "string?" | "boolean?" | "object?" | "array?" | "number?">,
  path = "instance",
): string[] {
  const errors: string[] = [];
  for (const [prop, kind] of Object.entries(spec)) {
    const optional = kind.endsWith("?");
    const type = kind.replace("?", "");
    const value = body[prop];
    if (value === undefined) {
      if (!optional) errors.push(`${path} requires property "${prop}"`);
      continue;
    }
    const actual = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    if (actual !== type) errors.push(`${path}.${prop} is not of a type(s) ${type}`);
  }
  return errors;
}

/** class-validator isURL, roughly: http(s) with a host that has a TLD or is an IP address. */
export function isUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return /^https?:$/.test(u.protocol) && (/\.[a-z]{2,}$/i.test(u.hostname) || /^\d{1,3}(\.\d{1,3}){3}$/.test(u.hostname));
  } catch {
    return false;
  }
}

/** class-validator isBase64: the standard alphabet with padding, length a multiple of 4. */
export function isBase64(value: string): boolean {
  return value.length > 0 && value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

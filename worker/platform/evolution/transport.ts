// The request core of the Evolution client (client.ts holds the routes): one HTTP call with its
// timeout, retries with backoff, zod-checked answers, and one JSON log line per request,
// response and error with credentials and media bytes redacted.
import type { z } from "zod";
import { redact, redactUrl } from "../lib/redact";
import type { InstanceRef } from "./types";

/** An Evolution call that failed. status 0 = no HTTP response (network error or timeout). */
export class EvolutionError extends Error {
  override readonly name = "EvolutionError";
  constructor(
    readonly status: number,
    message: string,
    readonly retryable: boolean,
    readonly path: string,
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export type EvolutionClientOptions = {
  baseUrl: string;
  globalKey: string;
  /** Defaults to global fetch; also accepts `(input, init) => sim.app.fetch(new Request(input, init))`. */
  fetch?: (input: RequestInfo | URL, init?: RequestInit) => Response | Promise<Response>;
  /** Per-attempt timeout (default 15 s). */
  timeoutMs?: number;
  /** Per-attempt timeout of sends, which block through `delay` and media conversion (default 60 s). */
  sendTimeoutMs?: number;
  /** Attempts in total, the first included (default 3). */
  retries?: number;
  /** First backoff wait; doubles each retry (default 300 ms). */
  retryBaseMs?: number;
  log?: (line: string) => void;
};

type Call = {
  method: "GET" | "POST" | "DELETE";
  path: string;
  apikey: string;
  auth: "global" | "instance";
  body?: unknown;
  send?: boolean;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function describeItem(item: unknown): string {
  if (typeof item === "string") return item;
  if (isRecord(item) && item.exists === false) return `${String(item.number ?? item.jid)} is not on WhatsApp`;
  return JSON.stringify(item);
}

/** Evolution's `{status, error, response:{message:[…]}}` (or a bare error object) as one sentence. */
export function describeEvolutionBody(body: unknown): string {
  if (isRecord(body)) {
    const message = isRecord(body.response) ? body.response.message : body.message;
    if (Array.isArray(message)) return message.map(describeItem).join("; ");
    if (message !== undefined) return describeItem(message);
    if (typeof body.error === "string") return body.error;
  }
  if (typeof body === "string" && body.trim()) return body.trim().slice(0, 300);
  return "no details";
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const enc = encodeURIComponent;

/** `request` runs a call; `global` and `scoped` build one with the global key or an instance token. */
export function createTransport(opts: EvolutionClientOptions) {
  const baseUrl = opts.baseUrl.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const sendTimeoutMs = opts.sendTimeoutMs ?? Math.max(timeoutMs, 60_000);
  const attempts = Math.max(1, opts.retries ?? 3);
  const retryBaseMs = opts.retryBaseMs ?? 300;
  const log = opts.log ?? ((line: string) => console.log(line));

  async function once(call: Call, attempt: number): Promise<{ status: number; body: unknown }> {
    const started = Date.now();
    const entry = { at: "evolution", method: call.method, path: redactUrl(baseUrl + call.path), attempt, auth: call.auth };
    log(JSON.stringify({ ...entry, phase: "request", body: redact(call.body) }));
    const limit = call.send ? sendTimeoutMs : timeoutMs;
    let res: Response;
    try {
      res = await doFetch(baseUrl + call.path, {
        method: call.method,
        headers: { apikey: call.apikey, accept: "application/json", ...(call.body === undefined ? {} : { "content-type": "application/json" }) },
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.timeout(limit),
      });
    } catch (err) {
      const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
      const message = timedOut
        ? `Evolution ${call.method} ${call.path} timed out after ${limit} ms`
        : `Evolution ${call.method} ${call.path} failed: ${err instanceof Error ? err.message : String(err)}`;
      // A timed-out send may still have gone out, so it is not retried (a duplicate WhatsApp message is worse).
      const error = new EvolutionError(0, message, !(timedOut && call.send), call.path);
      log(JSON.stringify({ ...entry, phase: "error", status: 0, ms: Date.now() - started, error: message }));
      throw error;
    }
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // Non-JSON bodies (proxies, HTML error pages) are kept as text for the message.
    }
    const ms = Date.now() - started;
    // connect and restart catch their own errors and answer HTTP 200 {error:true} (EVOLUTION.md §1).
    if (!res.ok || (isRecord(body) && body.error === true)) {
      const message = `Evolution ${call.method} ${call.path} → ${res.status}: ${describeEvolutionBody(body).replace("[object Object]", "[object Object] (Evolution hid the cause)")}`;
      log(JSON.stringify({ ...entry, phase: "error", status: res.status, ms, body: redact(body) }));
      throw new EvolutionError(res.status, message, res.status >= 500, call.path, body);
    }
    log(JSON.stringify({ ...entry, phase: "response", status: res.status, ms, body: redact(body) }));
    return { status: res.status, body };
  }

  async function request<S extends z.ZodType>(call: Call, schema: S): Promise<z.infer<S>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { status, body } = await once(call, attempt);
        const parsed = schema.safeParse(body);
        if (!parsed.success) {
          const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
          log(JSON.stringify({ at: "evolution", phase: "error", method: call.method, path: call.path, status, error: `unexpected response: ${issues}` }));
          throw new EvolutionError(status, `Evolution ${call.method} ${call.path} returned an unexpected response: ${issues}`, false, call.path, body);
        }
        return parsed.data;
      } catch (err) {
        if (!(err instanceof EvolutionError) || !err.retryable || attempt >= attempts) throw err;
        await sleep(retryBaseMs * 2 ** (attempt - 1));
      }
    }
  }

  const global = (method: Call["method"], path: string, body?: unknown): Call => ({ method, path, apikey: opts.globalKey, auth: "global", body });
  const scoped = (ref: InstanceRef, method: Call["method"], path: string, body?: unknown, send = false): Call => ({
    method,
    path: path.replace(":instance", enc(ref.instanceName)),
    apikey: ref.token,
    auth: "instance",
    body,
    send,
  });

  return { request, global, scoped };
}

// The only place in the dashboard that talks HTTP to the API (CONVENTIONS §23): a typed Hono
// client (`hc<App>`), so paths, params, bodies and answers are checked against the Worker's routes.
import { signal } from "@preact/signals";
import { type ClientResponse, hc } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { App } from "../../../worker/app";

export type ApiErrorBody = { error: { code: string; message: string; details?: unknown } };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
  /**
   * Field → message, from a validation_failed error's details. With `topLevel`, a path such as
   * "tags.3" or "llm_context.x" is reported under the field it starts with ("tags").
   */
  fieldErrors(opts: { topLevel?: boolean } = {}): Record<string, string> {
    const out: Record<string, string> = {};
    if (Array.isArray(this.details))
      for (const d of this.details as { path?: string; message?: string }[]) {
        const key = opts.topLevel ? d.path?.split(".")[0] : d.path;
        if (key && d.message && !out[key]) out[key] = d.message;
      }
    return out;
  }
}

/** False once any call answers 401: the app shows the sign-in page. */
export const signedIn = signal<boolean | null>(null);

/** The one `fetch`: a network failure becomes an ApiError, and a 401 signs the tab out. */
async function send(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(input, init);
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "The server could not be reached. Check your connection.");
  }
  // The session routes answer 401 as their own answer (checkSession reads it); any other is a lapsed session.
  if (res.status === 401 && new URL(String(input), location.href).pathname !== "/api/session") signedIn.value = false;
  return res;
}

const client = hc<App>(location.origin, { fetch: send, init: { credentials: "same-origin" }, headers: { accept: "application/json" } });

/** The API's routes, typed: `api.contacts[":id"].$get({ param: { id } })`. Wrap a call in `call()`. */
export const api = client.api;

/** What a call answers on success: the route's JSON output for its 2xx statuses. */
export type Ok<R> = R extends ClientResponse<infer T, infer S, infer _F> ? (S extends SuccessStatusCode ? T : never) : never;

/** Awaits a typed call: its JSON on 2xx, or an ApiError carrying the API's `{ error }` body. */
export async function call<R extends ClientResponse<unknown>>(req: Promise<R>): Promise<Ok<R>> {
  const res = await req;
  const text = await res.text();
  let data: unknown;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const e = (data as ApiErrorBody | undefined)?.error;
    throw new ApiError(res.status, e?.code ?? "http_error", e?.message ?? `Request failed (${res.status})`, e?.details);
  }
  return data as Ok<R>;
}

type QueryValue = string | number | boolean | undefined | null;
type Present<V> = Exclude<V, undefined | null | "">;
/** Each parameter as a string; a string-literal union (a status) keeps its members. */
type Query<T> = { [K in keyof T]?: Present<T[K]> extends string ? Present<T[K]> : string };

/** Query parameters as the API reads them: strings, with empty values left out. */
export function query<T extends Record<string, QueryValue>>(params: T): Query<T> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") out[k] = String(v);
  return out as Query<T>;
}

/** Builds a query string (for the page's own URL), skipping empty values. */
export function qs(params: Record<string, QueryValue>): string {
  const s = new URLSearchParams(query(params) as Record<string, string>).toString();
  return s ? `?${s}` : "";
}

const socketUrl = (url: URL) => {
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  return url.toString();
};

/** The realtime sockets' addresses: same origin as the API, so the session cookie goes along. */
export const sockets = {
  hub: () => socketUrl(api.realtime.$url()),
  instance: (id: string) => socketUrl(api.instances[":id"].ws.$url({ param: { id } })),
};

// The only place in the dashboard that talks HTTP to the API (CONVENTIONS §23).
import { signal } from "@preact/signals";

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

type Options = { method?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string>; signal?: AbortSignal };

export async function request<T>(path: string, opts: Options = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...opts.headers };
  let body = opts.body;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  }
  let res: Response;
  try {
    res = await fetch(path, { method: opts.method ?? "GET", headers, body, credentials: "same-origin", signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new ApiError(0, "network_error", "The server could not be reached. Check your connection.");
  }
  if (res.status === 401 && path !== "/api/session") signedIn.value = false;
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
  return data as T;
}

export const api = {
  get: <T>(path: string, signal?: AbortSignal) => request<T>(path, { signal }),
  post: <T>(path: string, json?: unknown) => request<T>(path, { method: "POST", json: json ?? {} }),
  put: <T>(path: string, json: unknown) => request<T>(path, { method: "PUT", json }),
  patch: <T>(path: string, json: unknown) => request<T>(path, { method: "PATCH", json }),
  del: <T>(path: string) => request<T>(path, { method: "DELETE" }),
  upload: <T>(path: string, body: BodyInit, contentType: string) => request<T>(path, { method: "POST", body, headers: { "content-type": contentType } }),
};

/** Builds a query string, skipping empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : "";
}

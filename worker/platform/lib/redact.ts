// Secrets never reach the logs: keys that look like credentials are masked, and long base64
// strings (QR images, media bytes) are elided so logs stay readable.
const SECRET_KEY = /(apikey|api_key|token|secret|password|authorization|jwt_key|cookie|hash)/i;
const MAX_STRING = 256;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 12) return "[…]";
  if (typeof value === "string") {
    if (value.startsWith("data:") && value.length > 64) return `${value.slice(0, Math.min(value.indexOf(",") + 1 || 40, 80))}[${value.length} chars elided]`;
    if (value.length > MAX_STRING && /^[A-Za-z0-9+/=\s]+$/.test(value.slice(0, 200))) return `[base64 ${value.length} chars elided]`;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEY.test(k) && v !== null && v !== undefined && typeof v !== "boolean" ? "[redacted]" : redact(v, depth + 1);
    }
    return out;
  }
  return value;
}

/** Masks credential-like query parameters in a URL for logging. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    for (const key of [...u.searchParams.keys()]) if (SECRET_KEY.test(key)) u.searchParams.set(key, "[redacted]");
    return u.pathname + (u.search ? decodeURIComponent(u.search) : "");
  } catch {
    return "[unparseable url]";
  }
}

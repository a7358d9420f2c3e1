// Media bytes live in R2 (one object per message); the API hands them out as data URLs
// (PRODUCT.md §3). Sizes are bounded so a data URL stays a sane JSON field.
export const MAX_MEDIA_BYTES = 16 * 1024 * 1024;

export const mediaKeyFor = (instanceId: string, messageId: string) => `media/${instanceId}/${messageId}`;

export function base64Bytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) bin += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(bin);
}

/** Decoded size of a base64 string without decoding it. */
export function base64Size(b64: string): number {
  const clean = b64.replace(/\s+/g, "");
  const pad = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - pad;
}

export const tooLarge = (bytes: number) => `Media too large: ${(bytes / 1024 / 1024).toFixed(1)} MB (limit ${MAX_MEDIA_BYTES / 1024 / 1024} MB)`;

export async function putMedia(env: Env, key: string, bytes: Uint8Array, mimeType: string): Promise<void> {
  await env.MEDIA.put(key, bytes, { httpMetadata: { contentType: mimeType } });
}

/** The stored bytes as raw base64, or null when the object is missing. */
export async function readMediaBase64(env: Env, key: string): Promise<{ base64: string; mimeType: string | null } | null> {
  const obj = await env.MEDIA.get(key);
  if (!obj) return null;
  return { base64: bytesToBase64(new Uint8Array(await obj.arrayBuffer())), mimeType: obj.httpMetadata?.contentType ?? null };
}

export async function mediaDataUrl(env: Env, key: string, mimeType: string | null): Promise<string | null> {
  const m = await readMediaBase64(env, key);
  if (!m) return null;
  const mime = (mimeType ?? m.mimeType ?? "application/octet-stream").replace(/\s+/g, "");
  return `data:${mime};base64,${m.base64}`;
}

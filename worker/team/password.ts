// Password hashing with WebCrypto PBKDF2-SHA256 (native in workerd, so it costs no JS CPU
// beyond the derivation itself). 100,000 iterations is the most workerd accepts; the stored
// string carries its parameters so they can be raised later without locking anyone out.
import { base64url } from "../platform/lib/crypto";

const ITERATIONS = 100_000;
const encoder = new TextEncoder();

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

const fromBase64url = (s: string) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$${ITERATIONS}$${base64url(salt)}$${base64url(await derive(password, salt, ITERATIONS))}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const m = stored ? /^pbkdf2-sha256\$(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored) : null;
  if (!m) {
    // Same work for an unknown account: timing does not tell which e-mails exist.
    await derive(password, new Uint8Array(16), ITERATIONS);
    return false;
  }
  const [, iterations, salt, hash] = m as unknown as [string, string, string, string];
  const got = await derive(password, fromBase64url(salt), Number(iterations));
  const want = fromBase64url(hash);
  return got.length === want.length && crypto.subtle.timingSafeEqual(got, want);
}

/** SHA-256 hex of a bearer secret (session token, invite token, API key): what D1 stores. */
export async function secretHash(secret: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(secret)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

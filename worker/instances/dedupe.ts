// Webhook dedupe (EVOLUTION.md §3.7): the key a delivery is recorded under. The instance's
// journal (journal.ts) keeps one row per key and counts its repeats; D1 webhook_events is unique
// on (instance_id, dedupe_key); a message itself is unique on (instance_id, external_id).
import { base64url } from "../platform/lib/crypto";
import type { ParsedDelivery } from "./webhook-envelope";

export async function sha256Short(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return base64url(digest).slice(0, 32);
}

/**
 * The dedupe key (EVOLUTION.md §3.7): message events by (event, message id, status) so a
 * retried or doubled delivery is one row; other events by a hash of the whole body, which
 * Evolution re-sends unchanged on retry.
 */
export async function dedupeKeyFor(parsed: ParsedDelivery, rawBody: string): Promise<string> {
  const data = parsed.envelope.data as Record<string, unknown> | Record<string, unknown>[] | null;
  const first = Array.isArray(data) ? data[0] : data;
  const many = Array.isArray(data) && data.length > 1;
  if (first && !many) {
    const key = first.key as { id?: string } | undefined;
    const msgId = key?.id ?? (first.keyId as string | undefined) ?? (parsed.event === "messages.delete" ? (first.id as string) : undefined);
    if (msgId && (parsed.event.startsWith("messages.") || parsed.event === "send.message")) {
      const status = first.status ?? "";
      return `${parsed.event}:${msgId}:${String(status)}`;
    }
  }
  return `${parsed.event}:${await sha256Short(rawBody)}`;
}

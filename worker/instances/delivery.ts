// One webhook delivery as an instance object applies it — handed over by the webhook route, or
// read back from webhook_events (the alarm, replays, held receipts) — and what applying it gave.

import { plausibleTime } from "../platform/lib/time";

/** One delivery to apply: taken by accept(), or replayed from webhook_events. */
export type Delivery = {
  eventId: string;
  event: string;
  data: unknown;
  /** Order key: Evolution's date_time when present, else when we received it. */
  at: number;
  /** The same delivery was recorded before: check whether it was already applied. */
  repeat?: boolean;
  /** When it was first recorded (replays only): held message events expire. */
  receivedAt?: number;
};

/** processed / ignored: settled; deferred: held for its message (looked at again); failed: replayed later. */
export type IngestResult = "processed" | "ignored" | "deferred" | "failed";

/** A delivery the webhook route authenticated and validated, for WaInstance.accept(). */
export type Accepted = {
  event: string;
  dedupeKey: string;
  /** The envelope as kept: media bytes stripped, credentials masked. */
  payload: string;
  data: unknown;
  /** Evolution's date_time, when it sent one. */
  eventTime: number | null;
};

/**
 * The `data` and `date_time` of a stored envelope (webhook_events.payload). A payload is JSON
 * for every accepted delivery; anything else (e.g. one cut at the stored size) reads as empty.
 */
export function storedEnvelope(payload: string): { data: unknown; dateTime: number | null } {
  let envelope: { data?: unknown; date_time?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(payload);
    if (parsed && typeof parsed === "object") envelope = parsed;
  } catch {
    // see above
  }
  const t = typeof envelope.date_time === "string" ? Date.parse(envelope.date_time) : Number.NaN;
  return { data: envelope.data ?? null, dateTime: Number.isFinite(t) ? t : null };
}

/** A webhook_events row as a delivery to apply again (`repeat`: it may have been applied already). */
export function storedDelivery(r: { id: string; event: string; payload: string; receivedAt: number }, repeat?: true): Delivery {
  const { data, dateTime } = storedEnvelope(r.payload);
  // As when it was accepted (parseDelivery): a date_time no delivery can have is not its order key.
  const at = (dateTime === null ? null : plausibleTime(dateTime, r.receivedAt)) ?? r.receivedAt;
  return { eventId: r.id, event: r.event, data, at, ...(repeat ? { repeat } : {}), receivedAt: r.receivedAt };
}

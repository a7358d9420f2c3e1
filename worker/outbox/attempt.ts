// One claimed send, decided: held (breaker open, campaign paused), reconciled (an earlier attempt
// may have gone out), sent, or failed — as an Outcome that settle.ts records with the others of
// the batch. Nothing here writes to D1.
import { readMediaBase64 } from "../inbox/media-store";
import { MAYBE_DELIVERED } from "../inbox/messages.queries";
import { type EvolutionClient, EvolutionError, type SentMessage } from "../platform/evolution/client";
import { utcClock } from "../platform/lib/time";
import type { SendContext, SendingInstance } from "./context.queries";
import type { OutboxRow } from "./outbox.queries";
import { reconcile } from "./reconcile";

export type Outcome =
  | { kind: "accepted"; row: OutboxRow; keyId: string; via: "send" | "echo" | "lookup" }
  /** Try again at `at`; `uncertain`: it may have gone out (reconcile first); `outage`: counts for the breaker. */
  | { kind: "retry"; row: OutboxRow; at: number; error: string; uncertain: boolean; outage: boolean; cause: string }
  /** Not attempted (breaker open, campaign paused): back to queued, re-driven by whoever ends the wait. */
  | { kind: "held"; row: OutboxRow; reason: string; closed?: boolean }
  | { kind: "failed"; row: OutboxRow; error: string; retryable: boolean }
  | { kind: "cancelled"; row: OutboxRow; reason: string };

/** A held row is looked at again by the sweeper after this long, if nothing re-drove it before. */
export const HOLD_MS = 30_000;

/** Seconds before attempt n+1: 1, 2, 4, … capped at 60. */
export const retryDelayMs = (attempts: number) => Math.min(60_000, 1000 * 2 ** Math.max(0, attempts - 1));

export const waitingReason = (i: Pick<SendingInstance, "breakerOpenSince" | "breakerError">) =>
  `Waiting for the WhatsApp server: Evolution unreachable since ${utcClock(i.breakerOpenSince ?? Date.now())}${i.breakerError ? ` (${i.breakerError})` : ""}`;

export async function attempt(env: Env, client: EvolutionClient, ctx: SendContext, row: OutboxRow, now: number): Promise<Outcome> {
  const inst = ctx.instances.get(row.instanceId);
  if (!inst?.token) return { kind: "failed", row, error: "The WhatsApp instance no longer exists or has no Evolution token", retryable: false };
  if (row.campaignId) {
    const c = ctx.campaigns.get(row.campaignId);
    if (!c || c.status === "cancelled" || c.status === "completed") return { kind: "cancelled", row, reason: "Campaign cancelled" };
    if (c.status !== "in_progress") return { kind: "held", row, reason: "Campaign paused" };
    const contact = row.contactId ? ctx.contacts.get(row.contactId) : undefined;
    if (!contact) return { kind: "cancelled", row, reason: "Contact deleted" };
    if (contact.optedOut) return { kind: "cancelled", row, reason: "Opted out" };
  }
  const expired = now >= row.deadlineAt;
  if (inst.breakerOpenSince !== null) {
    if (expired) return { kind: "failed", row, error: `${waitingReason(inst)}; not sent in time`, retryable: true };
    return { kind: "held", row, reason: waitingReason(inst) };
  }
  // The send.message echo may have given it its key.id already (inbox sends have their message).
  const echoed = row.messageId ? ctx.messages.get(row.messageId)?.externalId : null;
  if (echoed) return { kind: "accepted", row, keyId: echoed, via: "echo" };
  const ref = { instanceName: inst.name, token: inst.token };
  if (row.uncertain) {
    const r = await reconcile(env, client, ref, row);
    if ("keyId" in r) return { kind: "accepted", row, keyId: r.keyId, via: "lookup" };
    if ("error" in r) return retry(row, now, `Could not check with Evolution whether the last attempt went out: ${r.error}`, r.outage, true, r.error);
  }
  try {
    const sent = await send(env, client, ref, row);
    if (!sent) return { kind: "failed", row, error: "The attachment is missing from storage", retryable: false };
    return { kind: "accepted", row, keyId: sent.key.id, via: "send" };
  } catch (err) {
    return failure(row, err, now);
  }
}

/** `cause`: what Evolution (or the network) said, for the breaker's reason. */
function retry(row: OutboxRow, now: number, error: string, outage: boolean, uncertain: boolean, cause = error): Outcome {
  if (now + retryDelayMs(row.attempts) > row.deadlineAt) {
    const maybe = uncertain || row.uncertain ? ` ${MAYBE_DELIVERED}` : "";
    return { kind: "failed", row, error: `${error} (gave up after ${row.attempts} attempts${maybe})`, retryable: true };
  }
  return { kind: "retry", row, at: now + retryDelayMs(row.attempts), error, uncertain, outage, cause };
}

/**
 * What an error proves. No answer, a timeout or a 5xx prove nothing — Evolution may have sent it —
 * so the row retries uncertain (reconciled first) and counts toward the breaker. Evolution's 400s
 * prove nothing left: "Connection Closed" waits for the instance (campaigns pause), the rest
 * (validation, not on WhatsApp, bad token) fail for good with Evolution's reason.
 */
function failure(row: OutboxRow, err: unknown, now: number): Outcome {
  const reason = err instanceof Error ? err.message : String(err);
  if (!(err instanceof EvolutionError)) return retry(row, now, reason, false, false);
  if (err.status === 0 || err.status >= 500) return retry(row, now, reason, true, true);
  if (err.status >= 200 && err.status < 300) return retry(row, now, reason, false, true); // an answer we could not read
  if (err.status === 400 && /connection closed/i.test(reason)) {
    if (row.campaignId) return { kind: "held", row, reason, closed: true };
    return { kind: "failed", row, error: reason, retryable: true };
  }
  return { kind: "failed", row, error: reason, retryable: err.status === 401 || err.status === 403 || err.status === 404 };
}

/** null: the media is gone from R2 (nothing was sent). */
async function send(env: Env, client: EvolutionClient, ref: { instanceName: string; token: string }, row: OutboxRow): Promise<SentMessage | null> {
  const number = row.number;
  if (row.type === "text") return client.sendText(ref, { number, text: row.content ?? "" });
  const media = row.mediaKey ? await readMediaBase64(env, row.mediaKey) : null;
  if (!media) return null;
  if (row.type === "audio") return client.sendWhatsAppAudio(ref, { number, audio: media.base64 });
  return client.sendMedia(ref, {
    number,
    mediatype: row.type,
    media: media.base64,
    ...(row.mimeType ? { mimetype: row.mimeType } : {}),
    ...(row.fileName ? { fileName: row.fileName } : {}),
    ...(row.content ? { caption: row.content } : {}),
  });
}

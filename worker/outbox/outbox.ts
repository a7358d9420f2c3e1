// The one outbox (PRODUCT.md §7): every WhatsApp message Parley sends is stored here first, with
// an idempotency key, then sent by worker/outbox/send.queue.ts — claimed once, reconciled with
// Evolution before any resend (reconcile.ts), held while the instance's breaker is open
// (breaker.ts), and never left in silence (sweep.ts, dlq.ts).

import type { Db, Stmt } from "../platform/db/client";
import { newId } from "../platform/lib/ids";
import type { MessageType } from "../shared/inbox";
import { insertOutboxStmt, type NewOutboxRow, type OutboxRow } from "./outbox.queries";

/** What a send carries: the rendered text (or caption) and the media in R2. */
export type OutboundContent = {
  type: MessageType;
  /** The text of a text message, the caption of media (null: none). */
  content: string | null;
  mediaKey: string | null;
  mimeType: string | null;
  fileName: string | null;
};

export type NewSend = OutboundContent & {
  key: string;
  instanceId: string;
  sender: OutboxRow["sender"];
  /** Digits (any + or spaces are dropped). */
  number: string;
  messageId?: string | null;
  campaignId?: string | null;
  contactId?: string | null;
};

/** Default retry horizon: an outage shorter than this fails nothing (OUTBOX_RETRY_HORIZON_MS). */
export const DEFAULT_HORIZON_MS = 15 * 60_000;

export function retryHorizonMs(env: Env): number {
  const v = Number(env.OUTBOX_RETRY_HORIZON_MS);
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_HORIZON_MS;
}

/** FNV-1a, 64 bits as hex: cheap, stable, and enough to tell one message's content from another's. */
function fnv64(s: string): string {
  let h = 0xcbf29ce484222325n;
  const bytes = new TextEncoder().encode(s);
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}

/**
 * What an echo or a looked-up message must carry to be this send: its kind (stickers count as
 * images, as the inbox shows them) and its text or caption, whitespace-trimmed.
 */
export function contentHash(type: MessageType, text: string | null): string {
  return fnv64(`${type}\u0000${(text ?? "").trim()}`);
}

export const digitsOf = (number: string) => number.replace(/\D/g, "");

/** A conversation message of ours, as the outbox sends it (its key: `message:<id>`). */
type OurMessage = Pick<OutboundContent, "type" | "mediaKey" | "mimeType" | "fileName"> & {
  id: string;
  instanceId: string;
  sender: OutboxRow["sender"];
  content: string | null;
  caption: string | null;
};

export function messageSend(m: OurMessage, contact: { id: string; whatsappNumber: string }): NewSend {
  return {
    key: `message:${m.id}`,
    instanceId: m.instanceId,
    sender: m.sender,
    number: contact.whatsappNumber,
    messageId: m.id,
    contactId: contact.id,
    type: m.type,
    content: m.type === "text" ? (m.content ?? "") : m.caption,
    mediaKey: m.mediaKey,
    mimeType: m.mimeType,
    fileName: m.fileName,
  };
}

/** The row for a new send, due now, failing for good only after the retry horizon. */
export function outboxRow(env: Env, s: NewSend, now: number, id: string = newId("outbox")): NewOutboxRow & { id: string } {
  return {
    id,
    idempotencyKey: s.key,
    instanceId: s.instanceId,
    sender: s.sender,
    messageId: s.messageId ?? null,
    campaignId: s.campaignId ?? null,
    contactId: s.contactId ?? null,
    number: digitsOf(s.number),
    type: s.type,
    content: s.content,
    mediaKey: s.mediaKey,
    mimeType: s.mimeType,
    fileName: s.fileName,
    contentHash: contentHash(s.type, s.content),
    state: "queued",
    nextAttemptAt: now,
    deadlineAt: now + retryHorizonMs(env),
    createdAt: now,
    updatedAt: now,
  };
}

/** The statement that stores a send (a no-op for a key already stored), for the caller's batch. */
export function storeSendStmt(db: Db, env: Env, s: NewSend, now: number, id?: string): { id: string; stmt: Stmt } {
  const row = outboxRow(env, s, now, id);
  return { id: row.id, stmt: insertOutboxStmt(db, row) };
}

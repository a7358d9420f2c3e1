// Receipts and deletes (EVOLUTION.md §4.5–§4.6) and the moment our own send gets its key.id.
// An event for a message we do not have yet is held (left `received` in webhook_events) and
// applied when the message lands, whichever order Evolution delivered them in.
import { onCampaignReceipt } from "../campaigns/followup";
import { advanceByMessageStmt } from "../campaigns/followup.queries";
import { storedEnvelope } from "../instances/delivery";
import { settleWebhookEventsStmt } from "../instances/webhook-events.queries";
import { advanceOutboxStmt } from "../outbox/outbox.queries";
import type { Stmt } from "../platform/db/client";
import { publish } from "../platform/realtime/publish";
import { type InboxCtx, NO_MESSAGE_KEY, type Outcome } from "./context";
import { previewDeletedStmt } from "./conversations.queries";
import { ignoredJidReason } from "./jid";
import { heldEvents } from "./message-events.queries";
import {
  advanceStatusStmt,
  attachExternalIdStmt,
  byExternalQuery,
  clearExternalIdStmt,
  deleteMessageStmt,
  getMessage,
  holderOfExternalId,
  type MessageStatus,
  markDeletedStmt,
} from "./messages.queries";
import { type DeleteKey, type UpdateItem, updateItems } from "./webhook-items";

const ACKS: Record<string, MessageStatus | null> = {
  ERROR: "failed",
  PENDING: null,
  SERVER_ACK: "sent",
  DELIVERY_ACK: "delivered",
  READ: "read",
  PLAYED: "read",
};
const BY_NUMBER = ["ERROR", "PENDING", "SERVER_ACK", "DELIVERY_ACK", "READ", "PLAYED"];

/** Evolution's ack (name or number) as our status; null for PENDING, DELETED (2.3.6 edits) and unknowns. */
export function statusOfAck(v: string | number | null | undefined): MessageStatus | null {
  const name = typeof v === "number" ? BY_NUMBER[v] : typeof v === "string" ? v.toUpperCase() : undefined;
  return name ? (ACKS[name] ?? null) : null;
}

const RANK: Record<MessageStatus, number> = { failed: -1, pending: 0, sent: 1, delivered: 2, read: 3 };

/** messages.update: one item or an array; correlated by keyId only (its remoteJid may be a LID). */
export async function ingestUpdate(ctx: InboxCtx, items: UpdateItem[]): Promise<Outcome> {
  const p = prepareUpdate(ctx, items);
  const [first, ...rest] = p.stmts;
  return p.finish(first ? await ctx.db.batch([first, ...rest]) : []);
}

/** A messages.update's statements for a shared write batch (the instance groups a burst of receipts), and its outcome from their results. */
export type PreparedUpdate = { stmts: Stmt[]; finish: (results: unknown[]) => Outcome };

export function prepareUpdate(ctx: InboxCtx, items: UpdateItem[]): PreparedUpdate {
  const stmts: Stmt[] = [];
  const applied: { keyId: string; status: MessageStatus; at: number }[] = [];
  for (const item of items) {
    const keyId = item.keyId;
    const status = statusOfAck(item.status);
    if (!keyId || ignoredJidReason(item.remoteJid ?? "") || !status) continue;
    applied.push({ keyId, status, at: stmts.length });
    stmts.push(advanceStatusStmt(ctx.db, ctx.instance.id, keyId, status), byExternalQuery(ctx.db, ctx.instance.id, keyId));
    // A campaign recipient's send moves with its message (guarded by its own status), in the same batch.
    if (status === "delivered" || status === "read")
      stmts.push(advanceByMessageStmt(ctx.db, ctx.instance.id, keyId, status), ...outboxReceipt(ctx, keyId, status));
  }
  const finish = (results: unknown[]): Outcome => {
    let held = false;
    const campaigns = new Set<string>();
    for (const a of applied) {
      const changed = results[a.at] as { id: string; conversationId: string }[];
      const found = results[a.at + 1] as unknown[];
      for (const m of changed) ctx.changes.message(m.id, m.conversationId);
      if (a.status === "delivered" || a.status === "read") for (const c of results[a.at + 2] as { campaignId: string }[]) campaigns.add(c.campaignId);
      if (!found.length) held = true;
    }
    if (campaigns.size) ctx.changes.after.push(async () => void (await Promise.all([...campaigns].map((id) => publish(ctx.env, "campaigns", id)))));
    if (held) return { status: "held", reason: "message not stored yet" };
    return applied.length ? { status: "processed" } : { status: "ignored", reason: "no status to apply (group, PENDING or unknown status)" };
  };
  return { stmts, finish };
}

/**
 * messages.delete: `data` is the key itself (or {key}). `at` is when the delete reached us:
 * the envelope's date_time is Evolution's local wall clock with a Z (EVOLUTION.md §3.1), so it
 * is no time to show.
 */
export async function ingestDelete(ctx: InboxCtx, key: DeleteKey | null, at: number): Promise<Outcome> {
  if (!key) return NO_MESSAGE_KEY;
  const ignored = typeof key.remoteJid === "string" ? ignoredJidReason(key.remoteJid) : null;
  if (ignored) return { status: "ignored", reason: ignored };
  const [changed, found] = await ctx.db.batch([
    markDeletedStmt(ctx.db, ctx.instance.id, key.id, at),
    byExternalQuery(ctx.db, ctx.instance.id, key.id),
    previewDeletedStmt(ctx.db, ctx.instance.id, key.id),
  ]);
  for (const m of changed) ctx.changes.message(m.id, m.conversationId);
  return found.length ? { status: "processed" } : { status: "held", reason: "message not stored yet" };
}

/** A held delivery (left `received` until its message lands), as heldEventsQuery reads it. */
export type HeldRow = { id: string; payload: string; receivedAt?: number };

function bestStatus(rows: HeldRow[], keyId: string): MessageStatus | null {
  let best: MessageStatus | null = null;
  for (const r of rows) {
    for (const item of updateItems(storedEnvelope(r.payload).data)) {
      if (item.keyId !== keyId) continue;
      const s = statusOfAck(item.status);
      if (s && (best === null || RANK[s] > RANK[best])) best = s;
    }
  }
  return best;
}

/** Our send's outbox row follows its receipts (delivered, read). */
function outboxReceipt(ctx: InboxCtx, keyId: string, status: MessageStatus): Stmt[] {
  return status === "delivered" || status === "read" ? [advanceOutboxStmt(ctx.db, ctx.instance.id, keyId, status)] : [];
}

/** A campaign recipient's message moved forward: its row follows (after the event is settled). */
function campaignReceipt(ctx: InboxCtx, keyId: string, status: MessageStatus): void {
  if (status === "delivered" || status === "read") ctx.changes.after.push(() => onCampaignReceipt(ctx.env, ctx.instance.id, keyId, status));
}

/** Applies the events held for a message that just got its external id, and settles them. */
export async function applyHeld(ctx: InboxCtx, keyId: string, found?: { updates: HeldRow[]; deletes: HeldRow[]; echoes: HeldRow[] }): Promise<void> {
  const { updates, deletes, echoes } = found ?? (await heldEvents(ctx.db, ctx.instance.id, keyId));
  if (!updates.length && !deletes.length && !echoes.length) return;
  const db = ctx.db;
  const status = bestStatus(updates, keyId);
  const processed = [...updates, ...deletes].map((r) => r.id);
  const stmts: Stmt[] = [];
  if (status) {
    stmts.push(advanceStatusStmt(db, ctx.instance.id, keyId, status), ...outboxReceipt(ctx, keyId, status));
    campaignReceipt(ctx, keyId, status);
  }
  // A held delete happened when it reached us, before its message did.
  if (deletes.length)
    stmts.push(
      markDeletedStmt(db, ctx.instance.id, keyId, Math.min(...deletes.map((r) => r.receivedAt ?? Date.now()))),
      previewDeletedStmt(db, ctx.instance.id, keyId),
    );
  if (processed.length) stmts.push(settleWebhookEventsStmt(db, processed, "processed"));
  if (echoes.length)
    stmts.push(
      settleWebhookEventsStmt(
        db,
        echoes.map((r) => r.id),
        "ignored",
        "echo of our own send",
      ),
    );
  await runBatch(ctx, stmts);
}

/** Runs statements in one batch and records the messages changed by those that return rows. */
async function runBatch(ctx: InboxCtx, stmts: Stmt[]): Promise<void> {
  const [first, ...rest] = stmts;
  if (!first) return;
  const results: unknown[] = await ctx.db.batch([first, ...rest]);
  for (const r of results)
    if (Array.isArray(r))
      for (const m of r as { id?: unknown; conversationId?: unknown }[])
        if (typeof m.id === "string" && typeof m.conversationId === "string") ctx.changes.message(m.id, m.conversationId);
}

/**
 * Our send was accepted: attach Evolution's key.id. If an echo already attached that key to
 * an identical pending message of ours, the two swap keys (both carry the same content). If
 * the echo was stored as a message of its own (it matched nothing of ours), that copy goes:
 * ours takes the key and whatever receipts and delete the copy had seen.
 */
export async function outboundSent(ctx: InboxCtx, messageId: string, keyId: string): Promise<void> {
  const db = ctx.db;
  const row = await getMessage(db, messageId);
  if (!row) return;
  if (row.externalId !== keyId) {
    const holder = await holderOfExternalId(db, ctx.instance.id, keyId);
    if (holder && holder.id !== messageId && holder.fromWebhook) {
      const ahead = holder.status === "delivered" || holder.status === "read";
      await runBatch(ctx, [
        deleteMessageStmt(db, holder.id),
        attachExternalIdStmt(db, messageId, keyId),
        ...(ahead ? [advanceStatusStmt(db, ctx.instance.id, keyId, holder.status)] : []),
        ...(holder.deletedAt !== null ? [markDeletedStmt(db, ctx.instance.id, keyId, holder.deletedAt), previewDeletedStmt(db, ctx.instance.id, keyId)] : []),
      ]);
    } else {
      const swap = holder && holder.id !== messageId;
      await runBatch(ctx, [
        ...(swap ? [clearExternalIdStmt(db, holder.id)] : []),
        attachExternalIdStmt(db, messageId, keyId),
        ...(swap ? [attachExternalIdStmt(db, holder.id, row.externalId)] : []),
      ]);
    }
  } else if (row.status === "pending" || row.status === "failed") {
    await runBatch(ctx, [attachExternalIdStmt(db, messageId, keyId)]);
  }
  await applyHeld(ctx, keyId);
}

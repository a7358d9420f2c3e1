// One message event applied by its handler: the point where a delivery's data enters the inbox,
// narrowed once (webhook-items.ts) and handed on typed.
import type { Delivery } from "../instances/delivery";
import { type InboxCtx, NO_MESSAGE_KEY, type Outcome } from "./context";
import { ingestEcho, ingestUpsert } from "./ingest";
import { ingestDelete, ingestUpdate } from "./receipts";
import { deleteKey, type MessageItem, messageItem, updateItems } from "./webhook-items";

/** `mayHold`: the delivery may still wait for its message (see InstanceInbox's HOLD_MAX_MS). */
export async function applyMessageEvent(ctx: InboxCtx, d: Delivery, mayHold: boolean): Promise<Outcome> {
  switch (d.event) {
    case "messages.upsert":
      return eachMessage(d.data, (item) => ingestUpsert(ctx, item, d.at));
    case "send.message":
      // An echo held past HOLD_MAX_MS matched nothing of ours: it is stored, not dropped.
      return eachMessage(d.data, (item) => ingestEcho(ctx, item, d.at, mayHold));
    case "messages.update":
      return ingestUpdate(ctx, updateItems(d.data));
    case "messages.delete":
      // Shown as when it was deleted: when the delivery reached us, never Evolution's date_time.
      return ingestDelete(ctx, deleteKey(d.data), d.receivedAt ?? Date.now());
    default:
      return { status: "ignored", reason: "not a message event" };
  }
}

/** Each message item of `data` (one item or an array), with one outcome for the delivery. */
async function eachMessage(data: unknown, fn: (item: MessageItem) => Promise<Outcome>): Promise<Outcome> {
  const items = Array.isArray(data) ? data : [data];
  const outcomes: Outcome[] = [];
  for (const raw of items) {
    const item = messageItem(raw);
    outcomes.push(item ? await fn(item) : NO_MESSAGE_KEY);
  }
  if (outcomes.length === 1) return outcomes[0]!;
  if (outcomes.some((o) => o.status === "held")) return { status: "held", reason: "part of the batch waits for its message" };
  if (outcomes.some((o) => o.status === "processed")) return { status: "processed" };
  return {
    status: "ignored",
    reason: outcomes
      .map((o) => o.reason)
      .filter(Boolean)
      .join("; ")
      .slice(0, 500),
  };
}

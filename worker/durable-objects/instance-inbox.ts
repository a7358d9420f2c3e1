// The inbox half of WaInstance: message events (messages.upsert / update / delete, send.message)
// and our sends' acknowledgements, applied one at a time in the object's serial chain, each
// delivery settled in webhook_events as processed / ignored (with why) / failed, or left
// `received` while it waits for its message.
import { getDb } from "../db/client";
import { settleWebhookEventsStmt, settledWebhookEvents } from "../db/queries/webhook-events";
import { dbErrorMessage } from "../db/errors";
import { type CachedContact, Changes, type InboxCtx } from "../services/inbox-context";
import { type Outcome, ingestEcho, ingestUpsert } from "../services/inbox-ingest";
import { ingestDelete, ingestUpdate, outboundSent } from "../services/inbox-receipts";

export const MESSAGE_EVENTS = new Set(["messages.upsert", "messages.update", "messages.delete", "send.message"]);

/** A held event that never found its message is set aside after this long. */
const HOLD_MAX_MS = 60 * 60 * 1000;

export type MessageDelivery = { eventId: string; event: string; data: unknown; at: number; repeat?: boolean; receivedAt?: number };
export type MessageResult = "processed" | "ignored" | "deferred" | "failed";

export class InstanceInbox {
  private readonly contacts = new Map<string, CachedContact>();

  constructor(
    private readonly env: Env,
    private readonly instance: () => Promise<{ id: string; name: string } | null>,
  ) {}

  private async ctx(): Promise<InboxCtx | null> {
    const inst = await this.instance();
    return inst ? { env: this.env, db: getDb(this.env.DB), instance: { id: inst.id, name: inst.name }, contacts: this.contacts, changes: new Changes() } : null;
  }

  async apply(d: MessageDelivery): Promise<MessageResult> {
    const db = getDb(this.env.DB);
    if (d.repeat && (await settledWebhookEvents(db, [d.eventId])).length) return "ignored";
    const ctx = await this.ctx();
    if (!ctx) {
      await settleWebhookEventsStmt(db, [d.eventId], "ignored", "instance no longer exists");
      return "ignored";
    }
    let outcome: Outcome;
    try {
      outcome = await this.run(ctx, d).catch(async (err: unknown) => {
        // A cached contact may have been deleted meanwhile: forget the cache and try once more.
        this.contacts.clear();
        ctx.changes = new Changes();
        console.warn(JSON.stringify({ at: "inbox.retry", eventId: d.eventId, error: dbErrorMessage(err) }));
        return this.run(ctx, d);
      });
    } catch (err) {
      const message = dbErrorMessage(err) || String(err);
      console.error(JSON.stringify({ at: "inbox.ingest", eventId: d.eventId, event: d.event, error: message }));
      await settleWebhookEventsStmt(db, [d.eventId], "failed", message.slice(0, 1000)).catch(() => undefined);
      return "failed";
    }
    let status: "processed" | "ignored" = outcome.status === "processed" ? "processed" : "ignored";
    let reason = outcome.reason ?? null;
    if (outcome.status === "held") {
      await ctx.changes.publish(this.env);
      if (d.receivedAt === undefined || Date.now() - d.receivedAt < HOLD_MAX_MS) return "deferred";
      [status, reason] = ["ignored", `its message never arrived (${reason ?? "held"})`];
    }
    await settleWebhookEventsStmt(db, [d.eventId], status, reason);
    await ctx.changes.publish(this.env);
    return status;
  }

  private async run(ctx: InboxCtx, d: MessageDelivery): Promise<Outcome> {
    switch (d.event) {
      case "messages.upsert":
        return this.each(d.data, (item) => ingestUpsert(ctx, item, d.at));
      case "send.message":
        return this.each(d.data, (item) => ingestEcho(ctx, item, d.at));
      case "messages.update":
        return ingestUpdate(ctx, d.data);
      case "messages.delete":
        return ingestDelete(ctx, d.data, d.at);
      default:
        return { status: "ignored", reason: "not a message event" };
    }
  }

  private async each(data: unknown, fn: (item: unknown) => Promise<Outcome>): Promise<Outcome> {
    const items = Array.isArray(data) ? data : [data];
    const outcomes: Outcome[] = [];
    for (const item of items) outcomes.push(await fn(item));
    if (outcomes.length === 1) return outcomes[0]!;
    if (outcomes.some((o) => o.status === "held")) return { status: "held", reason: "part of the batch waits for its message" };
    if (outcomes.some((o) => o.status === "processed")) return { status: "processed" };
    return { status: "ignored", reason: outcomes.map((o) => o.reason).filter(Boolean).join("; ").slice(0, 500) };
  }

  /** Our send was accepted by Evolution with this key.id. */
  async sent(messageId: string, keyId: string): Promise<void> {
    const ctx = await this.ctx();
    if (!ctx) return;
    await outboundSent(ctx, messageId, keyId);
    await ctx.changes.publish(this.env);
  }
}

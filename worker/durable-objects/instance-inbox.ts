// The inbox half of WaInstance: message events (messages.upsert / update / delete, send.message)
// and our sends' acknowledgements, applied one at a time in the object's serial chain, each
// delivery settled in webhook_events as processed / ignored (with why) / failed, or left
// `received` while it waits for its message.
import { getDb } from "../db/client";
import { settleWebhookEventsStmt, settledWebhookEvents } from "../db/queries/webhook-events";
import { dbErrorMessage } from "../db/errors";
import { type CachedContact, Changes, type InboxCtx } from "../services/inbox-context";
import { type Outcome, type PreparedUpsert, ingestEcho, ingestUpsert, prepareUpsert } from "../services/inbox-ingest";
import { ingestDelete, ingestUpdate, outboundSent } from "../services/inbox-receipts";

export const MESSAGE_EVENTS = new Set(["messages.upsert", "messages.update", "messages.delete", "send.message"]);

/** Upserts written together in one D1 batch (6 statements each, under D1's batch limits). */
const GROUP = 16;

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

  private async ctx(eventId = ""): Promise<InboxCtx | null> {
    const inst = await this.instance();
    return inst ? { env: this.env, db: getDb(this.env.DB), instance: { id: inst.id, name: inst.name }, eventId, contacts: this.contacts, changes: new Changes() } : null;
  }

  private pending: { d: MessageDelivery; resolve: (r: MessageResult) => void }[] = [];

  /**
   * Queues a delivery; the serial chain drains the queue. A burst of plain messages.upsert
   * deliveries is written as one D1 batch (one round trip for the group instead of one each).
   */
  submit(d: MessageDelivery, serial: (fn: () => Promise<void>) => Promise<void>): Promise<MessageResult> {
    return new Promise((resolve) => {
      this.pending.push({ d, resolve });
      if (this.pending.length === 1) void serial(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    const groupable = (d: MessageDelivery) => d.event === "messages.upsert" && !d.repeat && d.receivedAt === undefined && !Array.isArray(d.data);
    while (this.pending.length) {
      let n = 0;
      while (n < this.pending.length && n < GROUP && groupable(this.pending[n]!.d)) n++;
      const batch = this.pending.splice(0, Math.max(1, n));
      const results = n > 1 ? await this.applyGroup(batch.map((b) => b.d)) : [await this.apply(batch[0]!.d)];
      batch.forEach((b, i) => b.resolve(results[i] ?? "failed"));
    }
  }

  private async applyGroup(ds: MessageDelivery[]): Promise<MessageResult[]> {
    const base = await this.ctx();
    if (!base) return Promise.all(ds.map((d) => this.apply(d)));
    const changes = new Changes();
    const db = base.db;
    try {
      const preps: (PreparedUpsert | Outcome)[] = [];
      for (const d of ds) preps.push(await prepareUpsert({ ...base, eventId: d.eventId, changes }, d.data, d.at));
      const stmts = preps.flatMap((p) => ("stmts" in p ? p.stmts : []));
      const [first, ...rest] = stmts;
      const results: unknown[] = first ? await db.batch([first, ...rest]) : [];
      let k = 0;
      const outcomes: Outcome[] = [];
      for (const p of preps) {
        if (!("stmts" in p)) outcomes.push(p);
        else {
          outcomes.push(await p.finish(results.slice(k, k + p.stmts.length)));
          k += p.stmts.length;
        }
      }
      const unsettled = outcomes.map((o, i) => ({ o, id: ds[i]!.eventId })).filter(({ o }) => !o.settled);
      for (const { o, id } of unsettled) await settleWebhookEventsStmt(db, [id], o.status === "processed" ? "processed" : "ignored", o.reason ?? null);
      void changes.publish(this.env);
      return outcomes.map((o) => (o.status === "processed" ? "processed" : "ignored"));
    } catch (err) {
      // The batch is atomic: nothing of it was written. Apply each on its own (idempotent).
      this.contacts.clear();
      console.warn(JSON.stringify({ at: "inbox.group", events: ds.length, error: dbErrorMessage(err) }));
      const out: MessageResult[] = [];
      for (const d of ds) out.push(await this.apply(d));
      return out;
    }
  }

  async apply(d: MessageDelivery): Promise<MessageResult> {
    const db = getDb(this.env.DB);
    if (d.repeat && (await settledWebhookEvents(db, [d.eventId])).length) return "ignored";
    const ctx = await this.ctx(d.eventId);
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
    // Dashboards and follow-ups are told without holding up the next event of this instance.
    const announce = () => void ctx.changes.publish(this.env);
    if (outcome.status === "held") {
      announce();
      if (d.receivedAt === undefined || Date.now() - d.receivedAt < HOLD_MAX_MS) return "deferred";
      [status, reason] = ["ignored", `its message never arrived (${reason ?? "held"})`];
    }
    if (!outcome.settled) await settleWebhookEventsStmt(db, [d.eventId], status, reason);
    announce();
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

// The inbox half of WaInstance: message events (messages.upsert / update / delete, send.message)
// and our sends' acknowledgements, applied one at a time in the object's serial chain, each
// delivery settled in webhook_events as processed / ignored (with why) / failed, or left
// `received` while it waits for its message.
import { answerableContactsQuery } from "../campaigns/followup.queries";
import type { Delivery, IngestResult } from "../instances/delivery";
import type { DeliveryMirror } from "../instances/journal-mirror";
import { settledWebhookEvents, settleWebhookEventsStmt } from "../instances/webhook-events.queries";
import { getDb, type Stmt } from "../platform/db/client";
import { dbErrorMessage } from "../platform/db/errors";
import { type CachedContact, Changes, type InboxCtx, NO_MESSAGE_KEY, type Outcome } from "./context";
import { recentActiveContacts } from "./conversations.queries";
import { applyMessageEvent } from "./dispatch";
import { applyEchoGroup } from "./echo-group";
import { type PreparedUpsert, prepareUpsert } from "./ingest";
import { heldExternalIds } from "./message-events.queries";
import { applyReceiptGroup } from "./receipt-group";
import { outboundSent } from "./receipts";
import { messageItem } from "./webhook-items";

export const MESSAGE_EVENTS = new Set(["messages.upsert", "messages.update", "messages.delete", "send.message"]);

/** Upserts written together in one D1 batch (6 statements each, under D1's batch limits). */
const GROUP = 16;

/** Contacts a new object learns up front (those of the instance's most recent conversations). */
const WARM_CONTACTS = 2000;

/** A held event that never found its message is set aside after this long. */
const HOLD_MAX_MS = 60 * 60 * 1000;
const mayStillHold = (d: { receivedAt?: number }) => d.receivedAt === undefined || Date.now() - d.receivedAt < HOLD_MAX_MS;

export class InstanceInbox {
  private readonly contacts = new Map<string, CachedContact>();

  constructor(
    private readonly env: Env,
    private readonly instance: () => Promise<{ id: string; name: string } | null>,
    /** The instance's journal copy into D1 webhook_events (instances/journal-mirror.ts). */
    private readonly journal: DeliveryMirror,
  ) {}

  /**
   * External ids that held receipts (messages.update / delete waiting for their message) may
   * refer to — a superset, loaded from D1 when unknown and forgotten when a new one is held —
   * so a new message looks for its early receipts only when there can be some.
   */
  private held: Set<string> | null = null;
  private warmed: Promise<void> | null = null;

  private async ctx(eventId = ""): Promise<InboxCtx | null> {
    const inst = await this.instance();
    if (!inst) return null;
    const db = getDb(this.env.DB);
    const held = (this.held ??= await heldExternalIds(db, inst.id));
    await (this.warmed ??= this.warm(db, inst.id));
    return {
      env: this.env,
      db,
      instance: { id: inst.id, name: inst.name },
      eventId,
      contacts: this.contacts,
      changes: new Changes(),
      mayBeHeld: (keyId) => held.has(keyId),
    };
  }

  /**
   * A new object (first use, or back after eviction) learns the senders of its recent
   * conversations in one query; cold, the first message of each would cost a contact lookup
   * of its own, one after another in the serial chain. Best effort: without it they are looked up.
   */
  private async warm(db: InboxCtx["db"], instanceId: string): Promise<void> {
    try {
      for (const c of await recentActiveContacts(db, instanceId, WARM_CONTACTS)) {
        const digits = c.number.slice(1);
        if (/^\+\d+$/.test(c.number) && !this.contacts.has(digits)) this.contacts.set(digits, c);
      }
    } catch (err) {
      console.warn(JSON.stringify({ at: "inbox.warm", instanceId, error: dbErrorMessage(err) || String(err) }));
    }
  }

  /** The contact was renumbered, renamed or deleted through the API: look it up again when it writes. */
  forget(contactId: string): void {
    for (const [digits, c] of this.contacts) if (c.id === contactId) this.contacts.delete(digits);
  }

  private pending: { d: Delivery; resolve: (r: IngestResult) => void }[] = [];

  /**
   * Queues a delivery; the serial chain drains the queue. A burst of plain messages.upsert
   * deliveries is written as one D1 batch (one round trip for the group instead of one each).
   */
  submit(d: Delivery, serial: (fn: () => Promise<void>) => Promise<void>): Promise<IngestResult> {
    return new Promise((resolve) => {
      this.pending.push({ d, resolve });
      if (this.pending.length === 1) void serial(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    const fresh = (d: Delivery) => !d.repeat && d.receivedAt === undefined;
    const one = (d: Delivery) => fresh(d) && !Array.isArray(d.data);
    // A run of plain upserts, of receipts or of echoes is looked at as one group; anything else alone.
    const groups: [(d: Delivery) => boolean, (ds: Delivery[]) => Promise<IngestResult[]>][] = [
      [(d) => d.event === "messages.upsert" && one(d), (ds) => this.applyGroup(ds)],
      [(d) => d.event === "messages.update" && fresh(d), (ds) => this.applyReceipts(ds)],
      // Echoes in one round trip (echo-group.ts); those it cannot settle are applied alone.
      [(d) => d.event === "send.message" && one(d), async (ds) => applyEchoGroup(await this.ctx(), this.journal, ds, this.alone)],
    ];
    while (this.pending.length) {
      const [kind, group] = groups.find(([k]) => k(this.pending[0]!.d)) ?? [];
      let n = 0;
      while (kind && n < this.pending.length && n < GROUP && kind(this.pending[n]!.d)) n++;
      const batch = this.pending.splice(0, Math.max(1, n));
      const ds = batch.map((b) => b.d);
      let results: IngestResult[];
      try {
        results = group ? await group(ds) : await this.applyEach(await this.journal.prepare(ds));
      } catch (err) {
        // Not copied to D1: the instance's alarm copies and applies them later.
        console.error(JSON.stringify({ at: "inbox.prepare", events: batch.length, error: dbErrorMessage(err) || String(err) }));
        results = batch.map(() => "failed");
      }
      for (const [i, b] of batch.entries()) b.resolve(results[i] ?? "failed");
    }
  }

  /** A burst of receipts in one round trip (receipt-group.ts); alone again if that batch fails. */
  private async applyReceipts(ds: Delivery[]): Promise<IngestResult[]> {
    const base = await this.ctx();
    if (!base) return this.applyEach(await this.journal.prepare(ds));
    const ctx = { ...base, changes: new Changes() };
    try {
      const results = await applyReceiptGroup(ctx, this.journal, ds);
      if (results.includes("deferred")) this.held = null;
      void ctx.changes.publish(this.env);
      return results;
    } catch (err) {
      console.warn(JSON.stringify({ at: "inbox.receipts", events: ds.length, error: dbErrorMessage(err) }));
      return this.applyEach(await this.journal.prepare(ds));
    }
  }

  private readonly alone = async (ds: Delivery[]) => this.applyEach(await this.journal.prepare(ds));

  private async applyEach(ds: Delivery[]): Promise<IngestResult[]> {
    const out: IngestResult[] = [];
    for (const d of ds) out.push(await this.apply(d));
    return out;
  }

  /**
   * New messages.upsert deliveries (one or a burst) in one D1 round trip: their copy into
   * webhook_events, every message with its conversation, their settlement, and which senders
   * have a campaign send waiting for an answer.
   */
  private async applyGroup(ds: Delivery[]): Promise<IngestResult[]> {
    const base = await this.ctx();
    if (!base) return this.applyEach(await this.journal.prepare(ds));
    const changes = new Changes();
    const db = base.db;
    try {
      const plan = await this.journal.plan();
      const preps: (PreparedUpsert | Outcome)[] = [];
      for (const d of ds) {
        const item = messageItem(d.data);
        preps.push(item ? await prepareUpsert({ ...base, eventId: d.eventId, changes }, item, d.at, true) : NO_MESSAGE_KEY);
      }
      const prepared = ds.filter((_, i) => "stmts" in preps[i]!).map((d) => d.eventId);
      const stmts: Stmt[] = [...(plan?.stmts ?? []), ...preps.flatMap((p) => ("stmts" in p ? p.stmts : []))];
      // The group's deliveries are settled together, in the batch that stores their messages.
      if (prepared.length) stmts.push(settleWebhookEventsStmt(db, prepared, "processed"));
      // …and the same round trip tells which senders have a campaign send waiting for their answer.
      const senders = [...new Set(preps.flatMap((p) => ("stmts" in p && p.inbound ? [p.contactId] : [])))];
      if (senders.length) stmts.push(answerableContactsQuery(db, base.instance.id, senders));
      const [first, ...rest] = stmts;
      const results: unknown[] = first ? await db.batch([first, ...rest]) : [];
      if (senders.length) changes.answerable = new Set((results.at(-1) as { contactId: string }[]).map((r) => r.contactId));
      plan?.done(results.slice(0, plan.stmts.length));
      let k = plan?.stmts.length ?? 0;
      const outcomes: Outcome[] = [];
      for (const p of preps) {
        if (!("stmts" in p)) outcomes.push(p);
        else {
          outcomes.push(await p.finish(results.slice(k, k + p.stmts.length)));
          k += p.stmts.length;
        }
      }
      // What was not stored (a duplicate message, nothing displayable) is settled as ignored, with why.
      const ignored = outcomes.map((o, i) => ({ o, id: ds[i]!.eventId })).filter(({ o }) => o.status !== "processed");
      for (const { o, id } of ignored) await settleWebhookEventsStmt(db, [id], "ignored", o.reason ?? null);
      void changes.publish(this.env);
      return outcomes.map((o) => (o.status === "processed" ? "processed" : "ignored"));
    } catch (err) {
      // The batch is atomic: nothing of it was written. Copy, then apply each on its own (idempotent).
      this.contacts.clear();
      console.warn(JSON.stringify({ at: "inbox.group", events: ds.length, error: dbErrorMessage(err) }));
      return this.applyEach(await this.journal.prepare(ds));
    }
  }

  async apply(d: Delivery): Promise<IngestResult> {
    const db = getDb(this.env.DB);
    if (d.repeat && (await settledWebhookEvents(db, [d.eventId])).length) return "ignored";
    const ctx = await this.ctx(d.eventId);
    if (!ctx) {
      await settleWebhookEventsStmt(db, [d.eventId], "ignored", "instance no longer exists");
      return "ignored";
    }
    let outcome: Outcome;
    try {
      outcome = await applyMessageEvent(ctx, d, mayStillHold(d)).catch(async (err: unknown) => {
        // A cached contact may have been deleted meanwhile: forget the cache and try once more.
        this.contacts.clear();
        ctx.changes = new Changes();
        console.warn(JSON.stringify({ at: "inbox.retry", eventId: d.eventId, error: dbErrorMessage(err) }));
        return applyMessageEvent(ctx, d, mayStillHold(d));
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
      this.held = null; // a new held receipt: reload the set before the next message
      announce();
      if (mayStillHold(d)) return "deferred";
      [status, reason] = ["ignored", `its message never arrived (${reason ?? "held"})`];
    }
    if (!outcome.settled) await settleWebhookEventsStmt(db, [d.eventId], status, reason);
    announce();
    return status;
  }

  /** Our send was accepted by Evolution with this key.id. */
  async sent(messageId: string, keyId: string): Promise<void> {
    const ctx = await this.ctx();
    if (!ctx) return;
    await outboundSent(ctx, messageId, keyId);
    await ctx.changes.publish(this.env);
  }
}

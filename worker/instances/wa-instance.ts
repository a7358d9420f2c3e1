import { DurableObject } from "cloudflare:workers";
import { InstanceInbox, MESSAGE_EVENTS, type MirrorPlan } from "../inbox/instance-inbox";
import { getDb } from "../platform/db/client";
import { RateWindow } from "../platform/lib/rate-window";
import { publish } from "../platform/realtime/publish";
import { closeQuietly, reciprocateClose, sendToAll } from "../platform/realtime/sockets";
import type { InstanceView } from "../shared/instances";
import { PING, PONG, type ServerEvent } from "../shared/ws-events";
import { type Accepted, type Delivery, type IngestResult, storedDelivery } from "./delivery";
import { getInstance, type InstancePatch, type InstanceRow, updateInstanceStmt } from "./instances.queries";
import { toInstanceView } from "./instances.view";
import { WebhookJournal } from "./journal";
import { INSTANCE_EVENTS, instanceChange } from "./lifecycle";
import { mirrorWebhookEventsStmts, pendingWebhookEvents, settledWebhookEvents, settleWebhookEventsStmt } from "./webhook-events.queries";

/** Deliveries accepted per instance: generous (Evolution bursts on history sync) but bounded. */
export const WEBHOOK_RATE = { limit: 10_000, periodMs: 10_000 };

const REPLAY_DELAY_MS = 30_000;
const BATCH = 90;
/** Journal rows copied to D1 per round trip. */
const MIRROR_BATCH = 96;
const REPLAY_BATCH = 50;
/** Held message events (waiting for their message) are looked at again this often. */
const HELD_RECHECK_MS = 60_000;

/**
 * The serialisation point for one WhatsApp instance (addressed by instance id): applies its
 * webhook events one at a time, in order, holds its live state and fans it out to the
 * dashboards watching it over hibernatable WebSockets.
 */
export class WaInstance extends DurableObject<Env> {
  // D1 calls are outbound I/O, so input gates do not serialise them: a promise chain does.
  private chain: Promise<unknown> = Promise.resolve();
  // This object is the only writer of its instance's connection state, so the row it last
  // wrote is current; API changes come through refresh(), which reloads it.
  private row: InstanceRow | null | undefined;
  private readonly inbox: InstanceInbox;
  private readonly journal: WebhookJournal;
  /** Accepted deliveries not yet applied (the alarm leaves them to the running pipeline). */
  private readonly inFlight = new Set<string>();
  /** Journal ids whose key D1 knew under another id (noted when copied, used once). */
  private readonly remap = new Map<string, { id: string; settled: boolean }>();
  private alarmArmed = false;
  /** Every delivery of this instance comes through accept(): the limit is exact, with no extra hop. */
  private readonly rate = new RateWindow(WEBHOOK_RATE.limit, WEBHOOK_RATE.periodMs);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    this.journal = new WebhookJournal(ctx.storage.sql);
    this.inbox = new InstanceInbox(env, () => this.current(), {
      plan: async () => {
        const plan = await this.mirrorPlan();
        if (!plan?.more) return plan;
        await this.mirror(); // a long backlog: copy it all first, so the batch's own rows are in D1
        return null;
      },
      prepare: (ds) => this.prepare(ds),
    });
  }

  /**
   * The webhook route's hand-over: records the delivery in this object's storage (durable
   * before the route answers 2xx) and applies it after answering. A repeat of a delivery D1
   * already has is applied again only if it was not settled (failed earlier); a repeat of one
   * still queued here is just counted. Over WEBHOOK_RATE nothing is recorded (the route
   * answers 429 and Evolution retries).
   */
  async accept(a: Accepted): Promise<{ id: string; duplicate: boolean } | { limited: true }> {
    if (!this.rate.take()) return { limited: true };
    const rec = this.journal.record(a.event, a.dedupeKey, a.payload);
    const duplicate = rec.deliveries > 1;
    if (!duplicate || rec.wasMirrored) {
      const eventId = rec.id;
      this.inFlight.add(eventId);
      void this.ingest({ eventId, event: a.event, data: a.data, at: a.eventTime ?? rec.receivedAt, repeat: duplicate })
        .catch((err: unknown) => console.error(JSON.stringify({ at: "instance.accept", eventId, error: String(err) })))
        .finally(() => this.inFlight.delete(eventId));
    } else {
      // Counted while its first delivery waits: D1 gets the new count with the next copy.
      void this.serial(() => this.mirror()).catch(() => undefined);
    }
    // Whatever happens to this object now, the alarm finds the delivery and applies it.
    if (!this.alarmArmed) {
      this.alarmArmed = true;
      await this.scheduleReplay();
    }
    return { id: rec.id, duplicate };
  }

  /**
   * The statements that copy the journal's new rows into D1 webhook_events (to run alone, or
   * first in the batch that applies them), and what to note once they ran. Null: nothing new.
   */
  private async mirrorPlan(): Promise<MirrorPlan | null> {
    const rows = this.journal.unmirrored(MIRROR_BATCH);
    if (!rows.length) return null;
    const row = await this.current();
    const instance = { id: this.ctx.id.name ?? row?.id ?? "", name: row?.name ?? "(deleted)" };
    const [first, ...rest] = mirrorWebhookEventsStmts(this.db, instance, rows);
    return {
      stmts: [first!, ...rest],
      more: rows.length === MIRROR_BATCH,
      done: (results) => {
        const byKey = new Map((results as { id: string; dedupeKey: string; status: string }[][]).flat().map((r) => [r.dedupeKey, r]));
        if (this.remap.size > 1000) this.remap.clear();
        this.journal.markMirrored(
          rows.map((r) => {
            const d1 = byKey.get(r.dedupeKey);
            if (d1 && d1.id !== r.id) this.remap.set(r.id, { id: d1.id, settled: ["processed", "ignored", "rejected"].includes(d1.status) });
            return { dedupeKey: r.dedupeKey, deliveries: r.deliveries, id: d1?.id ?? r.id };
          }),
        );
      },
    };
  }

  /** Copies every new journal row into D1 webhook_events. */
  private async mirror(): Promise<void> {
    for (;;) {
      const plan = await this.mirrorPlan();
      if (!plan) return;
      plan.done(await this.db.batch(plan.stmts));
      if (!plan.more) return;
    }
  }

  /** Before a batch is applied: D1 has its deliveries, under D1's ids. */
  private async prepare<D extends { eventId: string; repeat?: boolean }>(ds: D[]): Promise<D[]> {
    await this.mirror();
    if (!this.remap.size) return ds;
    return ds.map((d) => {
      const m = this.remap.get(d.eventId);
      if (!m) return d;
      this.remap.delete(d.eventId);
      return { ...d, eventId: m.id, repeat: d.repeat || m.settled };
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private get db() {
    return getDb(this.env.DB);
  }

  async ingest(d: Delivery): Promise<IngestResult> {
    if (MESSAGE_EVENTS.has(d.event)) {
      // Message events share the serial chain: one writer per instance resolves duplicates and
      // reordering. A held event (its message not here yet) is looked at again by the alarm.
      const result = await this.inbox.submit(d, (fn) => this.serial(fn));
      if (result === "deferred" || result === "failed") await this.scheduleReplay(result === "deferred" ? HELD_RECHECK_MS : REPLAY_DELAY_MS);
      return result;
    }
    return new Promise((resolve) => {
      this.pending.push({ d, resolve });
      if (this.pending.length === 1) void this.serial(() => this.drain());
    });
  }

  // Deliveries that arrive while one batch is being written are applied together in the next:
  // in order, against the in-memory row, then written as one D1 batch. A burst of N events
  // costs one round trip, not N.
  private pending: { d: Delivery; resolve: (r: IngestResult) => void }[] = [];

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, BATCH); // under D1's 100 bound parameters per statement
      const results = await this.applyBatch(batch.map((b) => b.d));
      batch.forEach((b, i) => b.resolve(results[i]!));
    }
  }

  private async applyBatch(batch: Delivery[]): Promise<IngestResult[]> {
    const db = this.db;
    let ds = batch;
    try {
      ds = await this.prepare(batch);
      // A duplicate that raced its first delivery finds it already applied: nothing to do.
      const repeats = ds.filter((d) => d.repeat).map((d) => d.eventId);
      const settled = new Set(repeats.length ? await settledWebhookEvents(db, repeats) : []);
      const base = await this.current();
      let row = base;
      const patch: InstancePatch = {};
      const processed: string[] = [];
      const ignored: string[] = [];
      const results = ds.map((d): IngestResult => {
        if (settled.has(d.eventId)) return "ignored";
        const change = row && INSTANCE_EVENTS.has(d.event) ? instanceChange(row, d.event, d.data, d.at) : null;
        if (!row || !change) {
          ignored.push(d.eventId);
          return "ignored";
        }
        Object.assign(patch, change);
        row = { ...row, ...change };
        processed.push(d.eventId);
        return "processed";
      });
      // The change and the settlement of every delivery that caused it commit together.
      const reason = base ? "no change (stale, duplicate or unhandled)" : "instance no longer exists";
      const settleIgnored = ignored.length ? [settleWebhookEventsStmt(db, ignored, "ignored", reason)] : [];
      if (base && processed.length) {
        const [[updated]] = await db.batch([updateInstanceStmt(db, base.id, patch), settleWebhookEventsStmt(db, processed, "processed"), ...settleIgnored]);
        this.row = updated ?? null;
        if (updated) await this.announce(toInstanceView(updated));
      } else if (settleIgnored[0]) {
        await settleIgnored[0];
      }
      return results;
    } catch (err) {
      this.row = undefined; // reload before the next batch
      const message = err instanceof Error ? err.message : String(err);
      console.error(JSON.stringify({ at: "instance.ingest", events: ds.length, error: message }));
      await settleWebhookEventsStmt(
        db,
        ds.map((d) => d.eventId),
        "failed",
        message.slice(0, 1000),
      ).catch(() => undefined);
      await this.scheduleReplay();
      return ds.map(() => "failed");
    }
  }

  /** The send consumer's report: Evolution accepted our message with this key.id. */
  async outboundSent(messageId: string, keyId: string): Promise<void> {
    await this.serial(() => this.inbox.sent(messageId, keyId));
  }

  /** See InstanceInbox.forget(). */
  async forgetContact(contactId: string): Promise<void> {
    this.inbox.forget(contactId);
  }

  private async current(): Promise<InstanceRow | null> {
    if (this.row === undefined) {
      const id = this.ctx.id.name;
      this.row = (id ? await getInstance(this.db, id) : undefined) ?? null;
    }
    return this.row;
  }

  /** Re-reads the instance after an API change and tells everyone watching. */
  async refresh(): Promise<InstanceView | null> {
    return this.serial(async () => {
      this.row = undefined;
      const row = await this.current();
      if (!row) {
        const id = this.ctx.id.name;
        this.closeAll("instance deleted");
        await publish(this.env, "instances", id);
        return null;
      }
      const view = toInstanceView(row);
      await this.announce(view);
      return view;
    });
  }

  private hubTimer: ReturnType<typeof setTimeout> | undefined;

  /** Own sockets hear every change at once; the tenant-wide hub hears a burst once (≤ 50 ms late). */
  private async announce(view: InstanceView): Promise<void> {
    this.broadcast({ type: "instance", instance: view });
    if (this.hubTimer) return;
    this.hubTimer = setTimeout(() => {
      this.hubTimer = undefined;
      const latest = this.row;
      void publish(this.env, "instances", view.id, latest ? { status: latest.status } : undefined);
    }, 50);
  }

  private broadcast(event: ServerEvent): void {
    sendToAll(this.ctx, JSON.stringify(event));
  }

  private closeAll(reason: string): void {
    for (const ws of this.ctx.getWebSockets()) closeQuietly(ws, 1000, reason);
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    const id = this.ctx.id.name;
    const row = id ? await getInstance(this.db, id) : undefined;
    if (!row) return Response.json({ error: { code: "not_found", message: "Instance not found" } }, { status: 404 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, ["dashboard"]);
    server.send(JSON.stringify({ type: "instance", instance: toInstanceView(row) } satisfies ServerEvent));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    reciprocateClose(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1011, "error");
  }

  private async scheduleReplay(delayMs = REPLAY_DELAY_MS): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null) await this.ctx.storage.setAlarm(Date.now() + delayMs);
  }

  /**
   * Copies what the journal holds to D1, then replays this instance's deliveries that are not
   * applied (lost with an evicted object, failed, or held for their message) — processing is
   * idempotent. A failure here throws, and the runtime retries the alarm.
   */
  override async alarm(): Promise<void> {
    this.alarmArmed = false;
    const id = this.ctx.id.name;
    if (!id) return;
    this.journal.prune();
    await this.serial(() => this.mirror());
    const events = [...INSTANCE_EVENTS, ...MESSAGE_EVENTS];
    const pending = await pendingWebhookEvents(this.db, id, REPLAY_BATCH, events);
    let settled = 0;
    for (const r of pending.filter((p) => !this.inFlight.has(p.id))) {
      const result = await this.ingest(storedDelivery(r));
      if (result === "processed" || result === "ignored") settled++;
    }
    // A full page that moved means more may wait (a backlog left by an evicted object): soon again.
    if (pending.length === REPLAY_BATCH && settled > 0) await this.ctx.storage.setAlarm(Date.now() + 1000);
  }
}

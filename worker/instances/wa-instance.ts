import { DurableObject } from "cloudflare:workers";
import { InstanceInbox, MESSAGE_EVENTS } from "../inbox/instance-inbox";
import { getDb } from "../platform/db/client";
import { BatchQueue } from "../platform/lib/batch-queue";
import { RateWindow } from "../platform/lib/rate-window";
import { publish } from "../platform/realtime/publish";
import { closeQuietly, reciprocateClose, sendToAll } from "../platform/realtime/sockets";
import type { InstanceView } from "../shared/instances";
import { PING, PONG, type ServerEvent } from "../shared/ws-events";
import { type Accepted, type Delivery, type IngestResult, storedDelivery } from "./delivery";
import { getInstance, type InstanceRow, updateInstance } from "./instances.queries";
import { toInstanceView } from "./instances.view";
import { WebhookJournal } from "./journal";
import { JournalMirror } from "./journal-mirror";
import { type ApiChange, apiChange, INSTANCE_EVENTS } from "./lifecycle";
import { applyLifecycleBatch, failLifecycleBatch } from "./lifecycle-batch";
import { pendingWebhookEvents } from "./webhook-events.queries";

/** Deliveries accepted per instance: generous (Evolution bursts on history sync) but bounded. */
export const WEBHOOK_RATE = { limit: 10_000, periodMs: 10_000 };

const REPLAY_DELAY_MS = 30_000;
/** Lifecycle deliveries per write batch: under D1's 100 bound parameters per statement. */
const BATCH = 90;
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
  // This object is the only writer of its instance's connection state (events and API changes
  // alike, lifecycle.ts deciding the columns), so the row it last wrote is current.
  private row: InstanceRow | null | undefined;
  private readonly inbox: InstanceInbox;
  private readonly journal: WebhookJournal;
  private readonly mirror: JournalMirror;
  /** Accepted deliveries not yet applied (the alarm leaves them to the running pipeline). */
  private readonly inFlight = new Set<string>();
  private alarmArmed = false;
  /** Every delivery of this instance comes through accept(): the limit is exact, with no extra hop. */
  private readonly rate = new RateWindow(WEBHOOK_RATE.limit, WEBHOOK_RATE.periodMs);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    this.journal = new WebhookJournal(ctx.storage.sql);
    this.mirror = new JournalMirror(this.journal, env.DB, ctx.id.name, () => this.current());
    this.inbox = new InstanceInbox(env, () => this.current(), this.mirror);
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
      void this.serial(() => this.mirror.copy()).catch(() => undefined);
    }
    // Whatever happens to this object now, the alarm finds the delivery and applies it.
    if (!this.alarmArmed) {
      this.alarmArmed = true;
      await this.scheduleReplay();
    }
    return { id: rec.id, duplicate };
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
    return this.lifecycle.submit(d, (fn) => this.serial(fn));
  }

  // Lifecycle deliveries that arrive while one batch is being written are applied together in
  // the next (lifecycle-batch.ts).
  private readonly lifecycle = new BatchQueue(BATCH, (ds: Delivery[]) => this.applyBatch(ds));

  private async applyBatch(batch: Delivery[]): Promise<IngestResult[]> {
    let ds = batch;
    try {
      ds = await this.mirror.prepare(batch);
      const { results, updated } = await applyLifecycleBatch(this.db, await this.current(), ds);
      if (updated !== undefined) {
        this.row = updated;
        if (updated) await this.announce(toInstanceView(updated));
      }
      return results;
    } catch (err) {
      this.row = undefined; // reload before the next batch
      const results = await failLifecycleBatch(this.db, ds, err);
      await this.scheduleReplay();
      return results;
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

  /**
   * An API action's change to the connection (create, connect, logout): written here, in order
   * with the webhook events, and told to everyone watching — except a new instance's first QR,
   * which nobody watches yet (the route tells the hub). Null: the instance no longer exists.
   */
  async applyApiChange(change: ApiChange): Promise<InstanceView | null> {
    return this.serial(async () => {
      const row = await this.current();
      this.row = (row && (await updateInstance(this.db, row.id, apiChange(row, change, Date.now())))) ?? null;
      return this.announced(change.kind !== "created");
    });
  }

  /** Re-reads the instance after an API change to other columns (webhook URL, deletion) and tells everyone watching. */
  async refresh(): Promise<InstanceView | null> {
    return this.serial(async () => {
      this.row = undefined;
      await this.current();
      return this.announced(true);
    });
  }

  /** The row held now, told to everyone watching; when it is gone, they are told so (and disconnected). */
  private async announced(announce: boolean): Promise<InstanceView | null> {
    if (!this.row) {
      this.closeAll("instance deleted");
      await publish(this.env, "instances", this.ctx.id.name);
      return null;
    }
    const view = toInstanceView(this.row);
    if (announce) await this.announce(view);
    return view;
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
    await this.serial(() => this.mirror.copy());
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

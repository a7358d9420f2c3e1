import { DurableObject } from "cloudflare:workers";
import { getDb } from "../db/client";
import { getInstance, updateInstance } from "../db/queries/instances";
import { getWebhookEvent, markWebhookEvent, pendingWebhookEvents } from "../db/queries/webhook-events";
import { toInstanceView } from "../routes/instances/instances.view";
import { INSTANCE_EVENTS, instanceChange } from "../services/instance-state";
import { publish } from "../services/realtime";
import type { InstanceView } from "../shared/instances";
import { PING, PONG, type ServerEvent } from "../shared/ws-events";

/** One delivery handed over by the webhook route after it was recorded. */
export type Delivery = {
  eventId: string;
  event: string;
  data: unknown;
  /** Order key: Evolution's date_time when present, else when we received it. */
  at: number;
};

export type IngestResult = "processed" | "ignored" | "deferred" | "failed";

const REPLAY_DELAY_MS = 30_000;
const REPLAY_BATCH = 50;
/** Events whose processing lands with the inbox; they stay recorded as `received` until then. */
const DEFERRED = new Set(["messages.upsert", "messages.update", "messages.delete", "send.message"]);

/**
 * The serialisation point for one WhatsApp instance (addressed by instance id): applies its
 * webhook events one at a time, in order, holds its live state and fans it out to the
 * dashboards watching it over hibernatable WebSockets.
 */
export class WaInstance extends DurableObject<Env> {
  // D1 calls are outbound I/O, so input gates do not serialise them: a promise chain does.
  private chain: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
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
    return this.serial(() => this.apply(d));
  }

  private async apply(d: Delivery): Promise<IngestResult> {
    const db = this.db;
    try {
      if (DEFERRED.has(d.event)) return "deferred";
      // A duplicate that raced the first delivery finds it already applied: nothing to do.
      const recorded = await getWebhookEvent(db, d.eventId);
      if (recorded && recorded.status !== "received" && recorded.status !== "failed") return "ignored";
      if (!INSTANCE_EVENTS.has(d.event)) {
        await markWebhookEvent(db, d.eventId, "ignored", `event ${d.event} is not handled`);
        return "ignored";
      }
      const id = this.ctx.id.name;
      const row = id ? await getInstance(db, id) : undefined;
      if (!row) {
        await markWebhookEvent(db, d.eventId, "ignored", "instance no longer exists");
        return "ignored";
      }
      const patch = instanceChange(row, d.event, d.data, d.at);
      if (!patch) {
        await markWebhookEvent(db, d.eventId, "ignored", "no change (stale or duplicate)");
        return "ignored";
      }
      const updated = await updateInstance(db, row.id, patch);
      await markWebhookEvent(db, d.eventId, "processed");
      if (updated) await this.announce(toInstanceView(updated));
      return "processed";
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      console.error(JSON.stringify({ at: "instance.ingest", eventId: d.eventId, event: d.event, error: message }));
      await markWebhookEvent(db, d.eventId, "failed", message.slice(0, 1000)).catch(() => undefined);
      await this.scheduleReplay();
      return "failed";
    }
  }

  /** Re-reads the instance after an API change and tells everyone watching. */
  async refresh(): Promise<InstanceView | null> {
    return this.serial(async () => {
      const id = this.ctx.id.name;
      const row = id ? await getInstance(this.db, id) : undefined;
      if (!row) {
        this.closeAll("instance deleted");
        await publish(this.env, "instances", id);
        return null;
      }
      const view = toInstanceView(row);
      await this.announce(view);
      return view;
    });
  }

  private async announce(view: InstanceView): Promise<void> {
    this.broadcast({ type: "instance", instance: view });
    await publish(this.env, "instances", view.id, { status: view.status });
  }

  private broadcast(event: ServerEvent): void {
    const frame = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      try {
        ws.send(frame);
      } catch {
        // Dead sockets are cleaned up by webSocketClose/Error.
      }
    }
  }

  private closeAll(reason: string): void {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(1000, reason);
      } catch {
        // already closed
      }
    }
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket")
      return new Response("Expected a WebSocket upgrade", { status: 426 });
    const id = this.ctx.id.name;
    const row = id ? await getInstance(this.db, id) : undefined;
    if (!row) return Response.json({ error: { code: "not_found", message: "Instance not found" } }, { status: 404 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, ["dashboard"]);
    server.send(JSON.stringify({ type: "instance", instance: toInstanceView(row) } satisfies ServerEvent));
    return new Response(null, { status: 101, webSocket: client });
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, reason);
    } catch {
      // already closed
    }
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    try {
      ws.close(1011, "error");
    } catch {
      // already closed
    }
  }

  private async scheduleReplay(): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null) await this.ctx.storage.setAlarm(Date.now() + REPLAY_DELAY_MS);
  }

  /** Replays this instance's failed deliveries (processing is idempotent). */
  override async alarm(): Promise<void> {
    const id = this.ctx.id.name;
    if (!id) return;
    const events = [...INSTANCE_EVENTS];
    const rows = await pendingWebhookEvents(this.db, id, REPLAY_BATCH, events);
    for (const r of rows) {
      const env = JSON.parse(r.payload) as { data?: unknown; date_time?: string };
      const t = env.date_time ? Date.parse(env.date_time) : Number.NaN;
      await this.ingest({ eventId: r.id, event: r.event, data: env.data ?? null, at: Number.isFinite(t) ? t : r.receivedAt });
    }
  }
}

import { DurableObject } from "cloudflare:workers";
import { clientMessage, PING, PONG, type ServerEvent } from "../../shared/ws-events";
import { closeQuietly, reciprocateClose, sendToAll } from "./sockets";

/** Who holds a socket: set by the /api/realtime route (never by the client), kept on the socket. */
export type SocketOwner = { userId: string | null; sessionId: string | null; role: string; name: string; instanceIds: string[] | null };
export const OWNER_HEADER = "x-parley-socket-owner";
export type SocketFilter = { userId?: string; sessionId?: string; agents?: boolean };

/** The tenant has exactly one hub; every dashboard tab holds one socket to it. */
export const HUB_NAME = "tenant";
const TOPICS = ["instances", "contacts", "tags", "conversations", "messages", "campaigns", "agents", "workflows", "users", "units", "notes"];

/**
 * Tenant-wide realtime fan-out with the hibernation API: sockets survive the object being
 * evicted, so idle dashboards cost nothing. The socket list lives in the runtime
 * (`ctx.getWebSockets()`), never in a field.
 */
export class Hub extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, ["dashboard"]);
    const owner = request.headers.get(OWNER_HEADER);
    if (owner) server.serializeAttachment(JSON.parse(owner) as SocketOwner);
    const snapshot: ServerEvent = { type: "snapshot", server_time: new Date().toISOString(), topics: TOPICS };
    server.send(JSON.stringify(snapshot));
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends one event to every connected dashboard; returns how many sockets got it. */
  async broadcast(event: ServerEvent): Promise<number> {
    return sendToAll(this.ctx, JSON.stringify(event), "dashboard");
  }

  async broadcastMany(events: ServerEvent[]): Promise<void> {
    for (const e of events) sendToAll(this.ctx, JSON.stringify(e), "dashboard");
  }

  /** The people with an open dashboard now (signed in as themselves, not with the admin token). */
  onlineUserIds(): string[] {
    const ids = new Set<string>();
    for (const ws of this.ctx.getWebSockets("dashboard")) {
      const o = ws.deserializeAttachment() as SocketOwner | null;
      if (o?.userId && ws.readyState === WebSocket.OPEN) ids.add(o.userId);
    }
    return [...ids];
  }

  /** Sends a frame to the sockets of these people only; returns how many got it. */
  notify(userIds: string[], event: ServerEvent): number {
    const frame = JSON.stringify(event);
    let sent = 0;
    for (const ws of this.ctx.getWebSockets("dashboard")) {
      const o = ws.deserializeAttachment() as SocketOwner | null;
      if (!o?.userId || !userIds.includes(o.userId) || ws.readyState !== WebSocket.OPEN) continue;
      try {
        ws.send(frame);
        sent++;
      } catch {}
    }
    return sent;
  }

  /** Closes the sockets of a user, a session, or every agent (after a scope change): they reconnect, or stay out. */
  disconnect(filter: SocketFilter): number {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets("dashboard")) {
      const o = ws.deserializeAttachment() as SocketOwner | null;
      if (!o) continue;
      const hit =
        (filter.userId && o.userId === filter.userId) || (filter.sessionId && o.sessionId === filter.sessionId) || (filter.agents && o.role === "agent");
      if (!hit) continue;
      closeQuietly(ws, 4001, "access changed");
      closed++;
    }
    return closed;
  }

  connections(): number {
    return this.ctx.getWebSockets("dashboard").length;
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    if (typeof message !== "string" || message.length > 4096) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message);
    } catch {
      return;
    }
    const msg = clientMessage.safeParse(parsed);
    if (msg.success && msg.data.type === "ping") ws.send(JSON.stringify({ type: "pong" }));
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    reciprocateClose(ws, code, reason);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1011, "error");
  }
}

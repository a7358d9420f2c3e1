import { DurableObject } from "cloudflare:workers";
import { clientMessage, PING, PONG, type ServerEvent } from "../../shared/ws-events";
import { closeQuietly, reciprocateClose, sendToAll } from "./sockets";

/** The tenant has exactly one hub; every dashboard tab holds one socket to it. */
export const HUB_NAME = "tenant";
const TOPICS = ["instances", "contacts", "tags", "conversations", "messages", "campaigns", "agents", "workflows"];

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

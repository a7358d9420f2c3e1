import { DurableObject } from "cloudflare:workers";
import { type ClientMessage, clientMessage, PING, PONG, type ServerEvent } from "../../shared/ws-events";
import { Fanout, type OpenSocket } from "./fanout";
import { nextPresence, presenceFrames, type SocketOwner, type SocketState, visibleKey } from "./presence";
import { hears } from "./scope";
import { closeQuietly, reciprocateClose, trySend } from "./sockets";

export type { SocketOwner } from "./presence";
export const OWNER_HEADER = "x-parley-socket-owner";
export type SocketFilter = { userId?: string; sessionId?: string; agents?: boolean };

/** The tenant has exactly one hub; every dashboard tab holds one socket to it. */
export const HUB_NAME = "tenant";
const TOPICS = ["instances", "contacts", "tags", "conversations", "messages", "campaigns", "agents", "workflows", "users", "units", "notes"];
const TAG = "dashboard";

/**
 * Tenant-wide realtime fan-out with the hibernation API: sockets survive the object being
 * evicted, so idle dashboards cost nothing. The socket list lives in the runtime
 * (`ctx.getWebSockets()`) and each socket's owner and presence in its attachment; fields hold
 * caches only (scope.ts, `states`).
 */
export class Hub extends DurableObject<Env> {
  private readonly fanout: Fanout;
  /** Deserialized attachments (a cache: rebuilt after hibernation, written through by `save`). */
  private readonly states = new WeakMap<WebSocket, SocketState | null>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair(PING, PONG));
    this.fanout = new Fanout(env.DB, () => this.open());
  }

  override async fetch(request: Request): Promise<Response> {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") return new Response("Expected a WebSocket upgrade", { status: 426 });
    const { 0: client, 1: server } = new WebSocketPair();
    this.ctx.acceptWebSocket(server, [TAG]);
    const owner = request.headers.get(OWNER_HEADER);
    if (owner) this.save(server, JSON.parse(owner) as SocketOwner);
    const snapshot: ServerEvent = { type: "snapshot", server_time: new Date().toISOString(), topics: TOPICS };
    server.send(JSON.stringify(snapshot));
    if (owner) this.sendPresence();
    return new Response(null, { status: 101, webSocket: client });
  }

  /** Sends one event to every dashboard allowed to hear it; returns how many sockets got it. */
  async broadcast(event: ServerEvent): Promise<number> {
    return this.fanout.send([event]);
  }

  async broadcastMany(events: ServerEvent[]): Promise<void> {
    await this.fanout.send(events);
  }

  /** The people with an open dashboard now (signed in as themselves, not with the admin token). */
  onlineUserIds(): string[] {
    const ids = new Set<string>();
    for (const { state } of this.open()) if (state?.userId) ids.add(state.userId);
    return [...ids];
  }

  /** Sends a frame to the sockets of these people only; returns how many got it. */
  notify(userIds: string[], event: ServerEvent): number {
    const frame = JSON.stringify(event);
    let sent = 0;
    for (const { ws, state } of this.open()) if (state?.userId && userIds.includes(state.userId) && trySend(ws, frame)) sent++;
    return sent;
  }

  /** Closes the sockets of a user, a session, or every agent (after a scope change): they reconnect, or stay out. */
  disconnect(filter: SocketFilter): number {
    let closed = 0;
    for (const ws of this.ctx.getWebSockets(TAG)) {
      const o = this.stateOf(ws);
      if (!o) continue;
      const hit =
        (filter.userId && o.userId === filter.userId) || (filter.sessionId && o.sessionId === filter.sessionId) || (filter.agents && o.role === "agent");
      if (!hit) continue;
      closeQuietly(ws, 4001, "access changed");
      closed++;
    }
    if (closed) this.sendPresence();
    return closed;
  }

  connections(): number {
    return this.ctx.getWebSockets(TAG).length;
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
    if (!msg.success) return;
    if (msg.data.type === "ping") ws.send(JSON.stringify({ type: "pong" }));
    else await this.onPresence(ws, msg.data);
  }

  override async webSocketClose(ws: WebSocket, code: number, reason: string): Promise<void> {
    reciprocateClose(ws, code, reason);
    if (this.stateOf(ws)) this.sendPresence(ws);
  }

  override async webSocketError(ws: WebSocket): Promise<void> {
    closeQuietly(ws, 1011, "error");
    if (this.stateOf(ws)) this.sendPresence(ws);
  }

  /** Typing indicators that lapsed: cleared, announced, and the next lapse scheduled. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    let lapsed = false;
    for (const { ws, state } of this.open()) {
      const p = state?.presence;
      if (p?.typingUntil && p.typingUntil <= now) {
        this.save(ws, { ...state!, presence: { ...p, typingUntil: 0 } });
        lapsed = true;
      }
    }
    if (lapsed) this.sendPresence();
    await this.scheduleTypingLapse();
  }

  private async onPresence(ws: WebSocket, msg: Extract<ClientMessage, { type: "presence" }>): Promise<void> {
    let viewing = msg.conversation_id;
    if (viewing) await this.fanout.conversations.load([viewing]);
    const state = this.stateOf(ws); // read after the await: the latest
    if (!state || ws.readyState !== WebSocket.OPEN) return;
    const instance = viewing ? this.fanout.conversations.peek(viewing) : null;
    // A conversation that does not exist, or that this person may not see, is viewing nothing.
    if (instance === undefined || (viewing && state.instanceIds !== null && !hears(state.instanceIds, instance))) viewing = null;
    const now = Date.now();
    const next = nextPresence(viewing, instance ?? null, msg.typing === true, now);
    const changed = visibleKey(state.presence, now) !== visibleKey(next, now);
    this.save(ws, { ...state, presence: next });
    if (!changed) return;
    this.sendPresence();
    if (next.typingUntil) await this.scheduleTypingLapse();
  }

  private async scheduleTypingLapse(): Promise<void> {
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const { state } of this.open()) {
      const until = state?.presence?.typingUntil ?? 0;
      if (until > now && until < next) next = until;
    }
    if (next !== Number.POSITIVE_INFINITY) await this.ctx.storage.setAlarm(next);
  }

  /** Tells every socket with an owner who is online, each as far as it may see. */
  private sendPresence(except?: WebSocket): void {
    const live = this.open().filter((o): o is { ws: WebSocket; state: SocketState } => o.state !== null && o.ws !== except);
    const frames = presenceFrames(
      live.map((o) => o.state),
      Date.now(),
    );
    live.forEach(({ ws }, i) => {
      trySend(ws, frames[i]!);
    });
  }

  /** The open dashboard sockets and their owners' state (null: a socket opened without an owner). */
  private open(): OpenSocket[] {
    const out: OpenSocket[] = [];
    for (const ws of this.ctx.getWebSockets(TAG)) if (ws.readyState === WebSocket.OPEN) out.push({ ws, state: this.stateOf(ws) });
    return out;
  }

  private stateOf(ws: WebSocket): SocketState | null {
    let s = this.states.get(ws);
    if (s === undefined) {
      s = (ws.deserializeAttachment() as SocketState | null) ?? null;
      this.states.set(ws, s);
    }
    return s;
  }

  private save(ws: WebSocket, state: SocketState): void {
    ws.serializeAttachment(state);
    this.states.set(ws, state);
  }
}

// The hub's `changed` fan-out, scoped: a frame reaches every unscoped socket at once, and a
// scoped (agent's) socket only when it concerns one of its instances (scope.ts). When a scoped
// socket is open and a frame names a conversation not cached yet, delivery waits for one D1
// read; later deliveries queue behind it so every socket still hears frames in order.
import type { ServerEvent } from "../../shared/ws-events";
import type { SocketState } from "./presence";
import { type Audience, audienceOf, ConversationInstances, hears } from "./scope";
import { trySend } from "./sockets";

export type OpenSocket = { ws: WebSocket; state: SocketState | null };

const anyScoped = (open: OpenSocket[]) => open.some((o) => o.state?.instanceIds != null);

export class Fanout {
  readonly conversations: ConversationInstances;
  private queue: Promise<void> | null = null;

  constructor(
    d1: D1Database,
    private readonly sockets: () => OpenSocket[],
  ) {
    this.conversations = new ConversationInstances(d1);
  }

  /** Sends these frames to the sockets allowed to hear them; resolves to how many got the first. */
  send(events: ServerEvent[]): number | Promise<number> {
    if (!this.queue) {
      const audiences = events.map(audienceOf);
      const open = this.sockets();
      const scoped = anyScoped(open);
      if (!scoped || !this.conversations.unknown(audiences).length) return this.now(events, audiences, open, scoped);
    }
    const run = (this.queue ?? Promise.resolve()).then(() => this.afterLookup(events));
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.queue = tail;
    void tail.then(() => {
      if (this.queue === tail) this.queue = null;
    });
    return run;
  }

  private async afterLookup(events: ServerEvent[]): Promise<number> {
    const audiences = events.map(audienceOf);
    if (anyScoped(this.sockets()))
      await this.conversations.load(this.conversations.unknown(audiences)).catch((err: unknown) => {
        // Unplaced frames still reach the unscoped sockets; scoped ones skip them (fail closed).
        console.error(JSON.stringify({ at: "realtime.scope", error: String(err) }));
      });
    const open = this.sockets();
    return this.now(events, audiences, open, anyScoped(open));
  }

  private now(events: ServerEvent[], audiences: Audience[], open: OpenSocket[], scoped: boolean): number {
    let first = 0;
    events.forEach((e, i) => {
      const frame = JSON.stringify(e);
      const instance = scoped ? this.conversations.instanceOf(audiences[i]!) : undefined;
      for (const { ws, state } of open) if (hears(state?.instanceIds, instance) && trySend(ws, frame) && i === 0) first++;
    });
    return first;
  }
}

// Faults of the Evolution server itself, for exactly-once tests: a send performed and then answered
// 502, answered never, or dropped mid-answer; requests hanging unprocessed; connections refused.
// The Hono app cannot touch sockets, so for drop/hang/refuse it answers a response marked with
// FAULT_HEADER and the transport realizes it: node-transport.ts destroys or holds the socket,
// worker/test/simulator-harness.ts throws or waits for the caller's AbortSignal.
import type { MiddlewareHandler } from "hono";

export type FaultMode = "accept-502" | "accept-drop" | "hang" | "accept-hang" | "refuse";
export const FAULT_MODES = ["accept-502", "accept-drop", "hang", "accept-hang", "refuse"] as const satisfies readonly FaultMode[];
/** "send" = the send routes (/message/*); "all" = every Evolution route, as an outage looks. */
export type FaultScope = "send" | "all";
/** What the transport must do with a marked response. */
export type FaultMark = "drop" | "hang" | "refuse";
export const FAULT_HEADER = "x-sim-fault";

/** Without count or forMs the fault lasts until cleared with mode "none". */
export type FaultInput = { mode: FaultMode | "none"; scope?: FaultScope; count?: number; forMs?: number };

export type FaultStatus = {
  /** The fault set last ("none" if cleared or never set); see `active` for whether it still applies. */
  mode: FaultMode | "none";
  scope: FaultScope;
  active: boolean;
  /** Matching requests it will still hit (count faults), else null. */
  remaining: number | null;
  /** When it stops by itself (for_ms faults), ISO time, else null. */
  until: string | null;
  /** Requests this fault has hit so far. */
  hits: number;
  setAt: string | null;
};

/** One request a fault hit (cumulative over every fault, cleared by reset()). */
export type FaultHit = { at: string; method: string; path: string; mode: FaultMode };

type Current = { mode: FaultMode; scope: FaultScope; remaining: number | null; until: number | null; hits: number; setAt: number };

const MAX_LOG = 10_000;

/** accept-* modes run the route first and then lose its answer; hang and refuse never reach a route. */
const EFFECTS: Record<FaultMode, { performs: true; mark: FaultMark | null } | { performs: false; mark: FaultMark }> = {
  "accept-502": { performs: true, mark: null },
  "accept-drop": { performs: true, mark: "drop" },
  "accept-hang": { performs: true, mark: "hang" },
  hang: { performs: false, mark: "hang" },
  refuse: { performs: false, mark: "refuse" },
};

export class FaultInjector {
  private current: Current | null = null;
  readonly log: FaultHit[] = [];
  /** The fault each request got, so the send route can record it. */
  private readonly byRequest = new WeakMap<Request, FaultMode>();

  constructor(private readonly now: () => number) {}

  /** Throws a plain Error with the reason on bad input (control.ts turns it into a 400). */
  set(input: FaultInput): FaultStatus {
    if (input.mode === "none") {
      this.current = null;
      return this.status();
    }
    const { count, forMs } = input;
    if (!FAULT_MODES.includes(input.mode)) throw new Error(`Unknown fault mode "${String(input.mode)}"`);
    if (count !== undefined && forMs !== undefined) throw new Error("A fault takes count or for_ms, not both");
    if (count !== undefined && !(Number.isInteger(count) && count >= 1)) throw new Error("count must be an integer ≥ 1");
    if (forMs !== undefined && !(Number.isFinite(forMs) && forMs > 0)) throw new Error("for_ms must be > 0");
    const now = this.now();
    this.current = {
      mode: input.mode,
      scope: input.scope ?? "send",
      remaining: count ?? null,
      until: forMs === undefined ? null : now + forMs,
      hits: 0,
      setAt: now,
    };
    return this.status();
  }

  status(): FaultStatus {
    const cur = this.current;
    if (!cur) return { mode: "none", scope: "send", active: false, remaining: null, until: null, hits: 0, setAt: null };
    const active = (cur.remaining === null || cur.remaining > 0) && (cur.until === null || this.now() < cur.until);
    return {
      mode: cur.mode,
      scope: cur.scope,
      active,
      remaining: cur.remaining,
      until: cur.until === null ? null : new Date(cur.until).toISOString(),
      hits: cur.hits,
      setAt: new Date(cur.setAt).toISOString(),
    };
  }

  /** The fault this request gets, if any; counts it as a hit. */
  take(req: Request, path: string): FaultMode | null {
    const cur = this.current;
    if (!cur || /^\/_sim(\/|$)/.test(path)) return null;
    if (cur.scope === "send" && !path.startsWith("/message/")) return null;
    if (!this.status().active) return null;
    if (cur.remaining !== null) cur.remaining--;
    cur.hits++;
    this.log.push({ at: new Date(this.now()).toISOString(), method: req.method, path, mode: cur.mode });
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
    this.byRequest.set(req, cur.mode);
    return cur.mode;
  }

  /** The fault a request got (for the RecordedSend of a send route). */
  of(req: Request): FaultMode | undefined {
    return this.byRequest.get(req);
  }

  reset(): void {
    this.current = null;
    this.log.length = 0;
  }
}

// What nginx in front of Evolution answers when the upstream connection breaks mid-response.
const BAD_GATEWAY = `<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

/** A response the transport must replace by a dropped, hung or refused connection. */
export function markedResponse(mark: FaultMark, mode: FaultMode): Response {
  // Seen only through a transport that does not realize marks (e.g. a bare app.fetch): say so.
  return new Response(`simulated fault "${mode}": this transport should ${mark === "hang" ? "never answer" : "fail the connection"}`, {
    status: 502,
    headers: { [FAULT_HEADER]: mark, "content-type": "text/plain; charset=utf-8" },
  });
}

/** Applies the current fault to Evolution routes (never to /_sim). */
export function faultMiddleware(faults: FaultInjector): MiddlewareHandler {
  return async (c, next) => {
    const mode = faults.take(c.req.raw, c.req.path);
    if (!mode) return next();
    const effect = EFFECTS[mode];
    if (!effect.performs) return markedResponse(effect.mark, mode);
    await next();
    // Unset first: assigning over a response copies its headers into the new one.
    c.res = undefined;
    c.res = effect.mark ? markedResponse(effect.mark, mode) : new Response(BAD_GATEWAY, { status: 502, headers: { "content-type": "text/html" } });
  };
}

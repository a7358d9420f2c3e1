// Realtime: the socket machinery written once (ChannelModel) and the two channels built on it —
// the tenant hub (/api/realtime, one per tab) and an instance's own channel (/api/instances/:id/ws,
// open while its page is). They stay two sockets: the hub has no per-channel subscribe frame
// and carries only coalesced `changed` notices, never the `instance` frames (QR and pairing
// codes) an instance pushes, so it cannot carry that channel without a server change.
import { computed, createModel, effect, type ReadonlySignal, signal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { InstanceView } from "../../../worker/shared/instances";
import { PING, PONG } from "../../../worker/shared/keep-alive";
import type { ChangedEvent, ClientMessage, NotificationEvent, PresenceEvent, ServerEvent, Topic } from "../../../worker/shared/ws-events";
import { api, call, signedIn, sockets } from "../api/client";

export type LiveStatus = "connecting" | "live" | "offline";

/** Keep-alive: the server's runtime answers "ping" with "pong" without waking the object. */
const PING_EVERY_MS = 25_000;
const backoff = (attempt: number) => Math.min(15_000, 500 * 2 ** attempt) * (0.75 + Math.random() / 2);

type ChannelOptions = {
  url: () => string;
  /** A frame carrying the whole state: the channel is live again, and what it shows resyncs. */
  isSnapshot: (event: ServerEvent) => boolean;
  /** Close reasons after which the server will not take the channel back: no reconnect. */
  finalReasons?: string[];
};

/**
 * One WebSocket that stays open while wanted: it pings to keep idle proxies from closing it,
 * reconnects with jittered backoff, and says whether it is live (a snapshot has arrived).
 * Disposing the model closes the socket.
 */
export const ChannelModel = createModel((opts: ChannelOptions) => {
  const status = signal<LiveStatus>("offline");
  /** Why the server closed the channel for good (one of `finalReasons`), or null. */
  const ended = signal<string | null>(null);
  const listeners = new Set<(event: ServerEvent) => void>();
  let socket: WebSocket | null = null;
  let wanted = false;
  let attempts = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;

  const open = () => {
    if (!wanted || (socket && socket.readyState <= WebSocket.OPEN)) return;
    status.value = "connecting";
    const ws = new WebSocket(opts.url());
    socket = ws;
    ws.onopen = () => {
      clearInterval(pingTimer);
      pingTimer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(PING), PING_EVERY_MS);
    };
    ws.onmessage = (m) => {
      if (typeof m.data !== "string" || m.data === PONG) return;
      let event: ServerEvent;
      try {
        event = JSON.parse(m.data) as ServerEvent;
      } catch {
        return;
      }
      if (opts.isSnapshot(event)) {
        attempts = 0;
        status.value = "live";
      }
      for (const fn of listeners) fn(event);
    };
    ws.onclose = (e) => {
      if (socket === ws) socket = null;
      clearInterval(pingTimer);
      status.value = "offline";
      if (!wanted) return;
      if (opts.finalReasons?.includes(e.reason)) {
        wanted = false;
        ended.value = e.reason;
        return;
      }
      retryTimer = setTimeout(open, backoff(attempts++));
    };
  };

  const close = (reason: string) => {
    wanted = false;
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    socket?.close(1000, reason);
    socket = null;
  };
  effect(() => () => close("closed"));

  return {
    status: status as ReadonlySignal<LiveStatus>,
    ended: ended as ReadonlySignal<string | null>,
    connect() {
      wanted = true;
      ended.value = null;
      open();
    },
    disconnect(reason = "closed") {
      close(reason);
    },
    /** Sends a frame if the socket is open now; false otherwise (nothing is queued). */
    send(frame: string): boolean {
      if (socket?.readyState !== WebSocket.OPEN) return false;
      socket.send(frame);
      return true;
    },
    /** Calls `fn` for every frame (snapshots included); returns the unsubscribe. */
    listen(fn: (event: ServerEvent) => void): () => void {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
});

type Listener = (event?: ChangedEvent) => void;

/** The tenant-wide hub: connected exactly while the tab is signed in. */
export const RealtimeModel = createModel(() => {
  const channel = new ChannelModel({ url: sockets.hub, isSnapshot: (e) => e.type === "snapshot" });
  const byTopic = new Map<Topic, Set<Listener>>();
  const resync = new Set<Listener>();
  const notified = new Set<(event: NotificationEvent) => void>();
  /** The hub's latest `presence` frame on this socket (null while it is not live). */
  const presence = signal<PresenceEvent | null>(null);
  channel.listen((event) => {
    // Anything may have changed while the socket was down: every view refetches.
    if (event.type === "snapshot") for (const fn of resync) fn();
    else if (event.type === "changed") for (const fn of byTopic.get(event.topic) ?? []) fn(event);
    else if (event.type === "notification") for (const fn of notified) fn(event);
    else if (event.type === "presence") presence.value = event;
  });
  effect(() => {
    if (channel.status.value !== "live") presence.value = null;
  });
  effect(() => {
    if (signedIn.value === true) channel.connect();
    else if (signedIn.value === false) channel.disconnect("signed out");
  });
  return {
    status: channel.status,
    presence: presence as ReadonlySignal<PresenceEvent | null>,
    /** Sends a frame to the hub if the socket is open; false when it is not (presence.ts re-tells after a reconnect). */
    send(msg: ClientMessage): boolean {
      return channel.send(JSON.stringify(msg));
    },
    /** Calls `fn` for every change on one of `topics`, and (without an event) after every reconnect. */
    on(topics: Topic[], fn: Listener): () => void {
      const l: Listener = (e) => fn(e);
      for (const t of topics) {
        if (!byTopic.has(t)) byTopic.set(t, new Set());
        byTopic.get(t)!.add(l);
      }
      resync.add(l);
      return () => {
        for (const t of topics) byTopic.get(t)?.delete(l);
        resync.delete(l);
      };
    },
    /** Calls `fn` for every notification to this person (an @mention, an assignment); returns the unsubscribe. */
    onNotification(fn: (event: NotificationEvent) => void): () => void {
      notified.add(fn);
      return () => void notified.delete(fn);
    },
  };
});

/** This tab's hub (one socket for every page). */
export const realtime = new RealtimeModel();

/** `realtime.on` for a component: subscribed while mounted, always calling the latest `fn`. */
export function useLive(topics: Topic[], fn: Listener): void {
  const ref = useRef(fn);
  ref.current = fn;
  const key = topics.join(",");
  useEffect(() => realtime.on(topics, (e) => ref.current(e)), [key]);
}

type Breaker = Pick<InstanceView, "evolution_unreachable_since" | "evolution_error">;

/**
 * Live state of one instance over its own channel: a full `instance` frame, then one per change.
 * The outbox's breaker (Evolution unreachable) is written beside the instance's object and told
 * only to the hub, so its two fields are refetched on the hub's "instances" changes of this id
 * (every change is told there too, after the frame): the last refetch wins over the frames.
 */
export const InstanceChannelModel = createModel((id: string) => {
  const frame = signal<InstanceView | null>(null);
  const breaker = signal<Breaker | null>(null);
  const channel = new ChannelModel({ url: () => sockets.instance(id), isSnapshot: (e) => e.type === "instance", finalReasons: ["instance deleted"] });
  channel.listen((event) => {
    if (event.type === "instance") frame.value = event.instance;
  });
  channel.connect();
  let asked = 0;
  const refetch = async () => {
    const n = ++asked;
    try {
      const v = await call(api.instances[":id"].$get({ param: { id } }));
      if (n === asked) breaker.value = { evolution_unreachable_since: v.evolution_unreachable_since, evolution_error: v.evolution_error };
    } catch {
      // Deleted or offline: the channel says so, and the next change or resync asks again.
    }
  };
  effect(() => realtime.on(["instances"], (e) => (!e || e.id === id ? void refetch() : undefined)));
  const instance = computed(() => (frame.value && breaker.value ? { ...frame.value, ...breaker.value } : frame.value));
  return {
    instance: instance as ReadonlySignal<InstanceView | null>,
    /** The instance was deleted while watched: the server closed the channel for good. */
    gone: computed(() => channel.ended.value === "instance deleted"),
    status: channel.status,
  };
});

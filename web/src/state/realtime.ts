import { signal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { ServerEvent, Topic } from "../../../worker/shared/ws-events";

export type LiveStatus = "connecting" | "live" | "offline";

/** The tenant-wide realtime socket: one per tab, reconnecting with backoff. */
export const liveStatus = signal<LiveStatus>("offline");

type Listener = (event: Extract<ServerEvent, { type: "changed" }>) => void;
const listeners = new Map<Topic, Set<Listener>>();
const resyncListeners = new Set<() => void>();
let socket: WebSocket | null = null;
let attempts = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let pingTimer: ReturnType<typeof setInterval> | undefined;
let wanted = false;

function url(): string {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}/api/realtime`;
}

export function connectRealtime(): void {
  wanted = true;
  if (socket && socket.readyState <= WebSocket.OPEN) return;
  liveStatus.value = "connecting";
  const ws = new WebSocket(url());
  socket = ws;
  ws.onmessage = (m) => {
    if (typeof m.data !== "string" || m.data === "pong") return;
    let event: ServerEvent;
    try {
      event = JSON.parse(m.data) as ServerEvent;
    } catch {
      return;
    }
    if (event.type === "snapshot") {
      attempts = 0;
      liveStatus.value = "live";
      // Anything may have changed while we were away: every view refetches.
      for (const fn of resyncListeners) fn();
    } else if (event.type === "changed") {
      for (const fn of listeners.get(event.topic) ?? []) fn(event);
    }
  };
  ws.onclose = () => {
    if (socket === ws) socket = null;
    clearInterval(pingTimer);
    liveStatus.value = "offline";
    if (!wanted) return;
    const delay = Math.min(15_000, 500 * 2 ** attempts++) * (0.75 + Math.random() / 2);
    retryTimer = setTimeout(connectRealtime, delay);
  };
  ws.onopen = () => {
    clearInterval(pingTimer);
    pingTimer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send("ping"), 25_000);
  };
}

export function disconnectRealtime(): void {
  wanted = false;
  clearTimeout(retryTimer);
  socket?.close(1000, "signed out");
  socket = null;
}

/** Calls `fn` for every change on one of `topics`, and (without an event) after every reconnect. */
export function useLive(topics: Topic[], fn: (event?: Extract<ServerEvent, { type: "changed" }>) => void): void {
  const ref = useRef(fn);
  ref.current = fn;
  const key = topics.join(",");
  useEffect(() => {
    const l: Listener = (e) => ref.current(e);
    const resync = () => ref.current();
    for (const t of topics) {
      if (!listeners.has(t)) listeners.set(t, new Set());
      listeners.get(t)!.add(l);
    }
    resyncListeners.add(resync);
    return () => {
      for (const t of topics) listeners.get(t)?.delete(l);
      resyncListeners.delete(resync);
    };
  }, [key]);
}

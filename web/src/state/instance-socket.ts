import { useEffect, useState } from "preact/hooks";
import type { InstanceView } from "../../../worker/shared/instances";
import type { ServerEvent } from "../../../worker/shared/ws-events";

/** Live state of one instance over its own WebSocket (snapshot, then every change). */
export function useInstanceSocket(id: string): { instance: InstanceView | null; gone: boolean } {
  const [instance, setInstance] = useState<InstanceView | null>(null);
  const [gone, setGone] = useState(false);
  useEffect(() => {
    let ws: WebSocket | null = null;
    let stopped = false;
    let attempts = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      const proto = location.protocol === "https:" ? "wss:" : "ws:";
      ws = new WebSocket(`${proto}//${location.host}/api/instances/${id}/ws`);
      ws.onmessage = (m) => {
        const ev = JSON.parse(String(m.data)) as ServerEvent;
        if (ev.type === "instance") {
          attempts = 0;
          setInstance(ev.instance);
        }
      };
      ws.onclose = (e) => {
        if (stopped) return;
        if (e.reason === "instance deleted") return setGone(true);
        timer = setTimeout(open, Math.min(10_000, 500 * 2 ** attempts++));
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      ws?.close(1000);
    };
  }, [id]);
  return { instance, gone };
}

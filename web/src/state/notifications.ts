// Notifications to this person (an @mention in a note, a conversation assigned to them), from
// the hub's `notification` frames: shown as toasts until dismissed or a while has passed.
import { signal } from "@preact/signals";
import type { NotificationEvent } from "../../../worker/shared/ws-events";
import { realtime } from "./realtime";

export type Toast = NotificationEvent & { key: number };

const SHOW_MS = 15_000;
const MAX_SHOWN = 4;

/** Newest first. */
export const toasts = signal<Toast[]>([]);

let next = 0;
export function dismiss(key: number): void {
  toasts.value = toasts.value.filter((t) => t.key !== key);
}

realtime.onNotification((event) => {
  const key = ++next;
  toasts.value = [{ ...event, key }, ...toasts.value].slice(0, MAX_SHOWN);
  setTimeout(() => dismiss(key), SHOW_MS);
});

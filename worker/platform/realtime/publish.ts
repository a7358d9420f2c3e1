import type { ChangedEvent, NotificationEvent, Topic } from "../../shared/ws-events";
import { HUB_NAME, type SocketFilter } from "./hub";

/**
 * Tells every open dashboard that something changed. Never throws: a realtime hiccup must
 * not fail the write that caused it (the dashboards resync on their next snapshot).
 */
export async function publish(env: Env, topic: Topic, id?: string, data?: unknown): Promise<void> {
  const event: ChangedEvent = { type: "changed", topic, ...(id ? { id } : {}), ...(data !== undefined ? { data } : {}) };
  try {
    await env.HUB.getByName(HUB_NAME).broadcast(event);
  } catch (err) {
    console.error(JSON.stringify({ at: "realtime.publish", topic, error: String(err) }));
  }
}

/** Several changes in one hop to the hub (one RPC, one frame per event): for bursts. */
export async function publishMany(env: Env, events: ChangedEvent[]): Promise<void> {
  if (!events.length) return;
  try {
    await env.HUB.getByName(HUB_NAME).broadcastMany(events);
  } catch (err) {
    console.error(JSON.stringify({ at: "realtime.publishMany", events: events.length, error: String(err) }));
  }
}

/** A message changed: its thread and the conversation list (its preview, order or unread count). */
export function publishMessage(env: Env, messageId: string, conversationId: string): Promise<void> {
  return publishMany(env, [
    { type: "changed", topic: "messages", id: messageId, data: { conversation_id: conversationId } },
    { type: "changed", topic: "conversations", id: conversationId },
  ]);
}

/** Ends the realtime sockets of a user or session (signed out, disabled, scope changed). */
export async function disconnectSockets(env: Env, filter: SocketFilter): Promise<void> {
  try {
    await env.HUB.getByName(HUB_NAME).disconnect(filter);
  } catch (err) {
    console.error(JSON.stringify({ at: "realtime.disconnect", error: String(err) }));
  }
}

/** A notification for some people only (their open dashboards); never throws. */
export async function notifyUsers(env: Env, userIds: string[], event: NotificationEvent): Promise<void> {
  if (!userIds.length) return;
  try {
    await env.HUB.getByName(HUB_NAME).notify(userIds, event);
  } catch (err) {
    console.error(JSON.stringify({ at: "realtime.notify", error: String(err) }));
  }
}

/** Who has a dashboard open now (auto-assignment's "online"); empty when the hub cannot be asked. */
export async function onlineUserIds(env: Env): Promise<string[]> {
  try {
    return await env.HUB.getByName(HUB_NAME).onlineUserIds();
  } catch (err) {
    console.error(JSON.stringify({ at: "realtime.online", error: String(err) }));
    return [];
  }
}

// The realtime protocol shared by the Worker and the dashboard (web/ imports these types).
// Server → client frames are one discriminated union on `type`; the first frame on every
// connection is a `snapshot`, deltas follow.
import { z } from "zod";
import type { InstanceView } from "./instances";

export const serverEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("snapshot"), server_time: z.string(), topics: z.array(z.string()) }),
  z.object({
    type: z.literal("changed"),
    /** Which collection changed; dashboards refetch what they show of it. */
    topic: z.enum(["instances", "contacts", "tags", "conversations", "messages", "campaigns", "agents", "workflows", "users", "units", "notes"]),
    id: z.string().optional(),
    data: z.unknown().optional(),
  }),
  /** On an instance's own socket: its full state, first as the snapshot, then on every change. */
  z.object({ type: z.literal("instance"), instance: z.custom<InstanceView>() }),
  z.object({ type: z.literal("error"), message: z.string() }),
  /** To one person's sockets only: e.g. an @mention in a private note. */
  z.object({
    type: z.literal("notification"),
    kind: z.enum(["mention", "assigned"]),
    conversation_id: z.string(),
    text: z.string(),
    by: z.string(),
    at: z.string(),
  }),
]);
export type ServerEvent = z.infer<typeof serverEvent>;
export type ChangedEvent = Extract<ServerEvent, { type: "changed" }>;
export type Topic = ChangedEvent["topic"];
export type NotificationEvent = Extract<ServerEvent, { type: "notification" }>;

export const clientMessage = z.discriminatedUnion("type", [z.object({ type: z.literal("ping") })]);
/** Keep-alive frames answered by the runtime without waking a hibernated object. */
export { PING, PONG } from "./keep-alive";

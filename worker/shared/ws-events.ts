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
  /**
   * Who is online and what each views or types in: the whole list, sent when it changes. An
   * agent sees `viewing`/`typing` only on conversations of their units (null/false otherwise).
   * `user_id` null: the admin token ("Owner"); `you`: the recipient's own `user_id`.
   */
  z.object({
    type: z.literal("presence"),
    you: z.string().nullable(),
    people: z.array(z.object({ user_id: z.string().nullable(), name: z.string(), viewing: z.string().nullable(), typing: z.boolean() })),
  }),
]);
export type ServerEvent = z.infer<typeof serverEvent>;
export type ChangedEvent = Extract<ServerEvent, { type: "changed" }>;
export type Topic = ChangedEvent["topic"];
export type NotificationEvent = Extract<ServerEvent, { type: "notification" }>;

export type PresenceEvent = Extract<ServerEvent, { type: "presence" }>;
export type PresencePerson = PresenceEvent["people"][number];

/** Client → hub frames (JSON, at most 4 KiB). */
export const clientMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ping") }),
  /** "I am viewing this conversation (null: none)", and whether I am typing in it now. */
  z.object({ type: z.literal("presence"), conversation_id: z.string().min(1).max(64).nullable(), typing: z.boolean().optional() }).strict(),
]);
export type ClientMessage = z.infer<typeof clientMessage>;
/** Keep-alive frames answered by the runtime without waking a hibernated object. */
export { PING, PONG } from "./keep-alive";

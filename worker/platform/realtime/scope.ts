// Which sockets may hear a frame. An agent's socket carries the instances they work
// (`instanceIds`); a frame about a conversation, its messages or notes, or an instance reaches
// it only when it concerns one of them. Frames carry ids only, so the hub resolves a
// conversation's instance itself: from a cache, else one D1 read — and only when a scoped
// socket is open, so a tenant with no agent online pays nothing.
import type { ServerEvent } from "../../shared/ws-events";
import { getDb } from "../db/client";
import { instancesOfConversations } from "./realtime.queries";

/** Who may hear a frame: everyone, the sockets of one instance (null: of no instance), or those of a conversation's instance. */
export type Audience = { all: true } | { instance: string | null } | { conversation: string };

const ALL: Audience = { all: true };
const NOBODY: Audience = { instance: null };

export function audienceOf(e: ServerEvent): Audience {
  if (e.type !== "changed") return ALL;
  switch (e.topic) {
    case "instances":
      return e.id ? { instance: e.id } : ALL;
    case "conversations":
      return e.id ? { conversation: e.id } : ALL;
    case "messages":
    case "notes": {
      const conv = (e.data as { conversation_id?: unknown } | undefined)?.conversation_id;
      if (typeof conv === "string") return { conversation: conv };
      // A message or note id without its conversation cannot be placed: scoped sockets skip it.
      return e.id ? NOBODY : ALL;
    }
    default:
      return ALL;
  }
}

const MAX_CACHED = 10_000;

/**
 * conversation id → instance id (null: instance deleted), read-through. A conversation never
 * moves to another instance (it only loses it when the instance is deleted, after which agents'
 * sockets are reconnected with their new scope), so entries never go stale in a way that widens
 * what an agent hears. Held in a field: a hibernated hub simply starts cold.
 */
export class ConversationInstances {
  private readonly cache = new Map<string, string | null>();
  constructor(private readonly d1: D1Database) {}

  /** The cached instance of a conversation: a string or null when known, undefined when not (yet). */
  peek(conversationId: string): string | null | undefined {
    return this.cache.get(conversationId);
  }

  /** Loads the conversations not cached yet; those that do not exist stay unknown. */
  async load(conversationIds: Iterable<string>): Promise<void> {
    const missing = [...new Set(conversationIds)].filter((id) => !this.cache.has(id));
    if (!missing.length) return;
    const found = await instancesOfConversations(getDb(this.d1), missing);
    if (this.cache.size + found.size > MAX_CACHED) this.cache.clear();
    for (const [id, inst] of found) this.cache.set(id, inst);
  }

  /** The ids among these audiences still to be loaded. */
  unknown(audiences: Audience[]): string[] {
    const ids: string[] = [];
    for (const a of audiences) if ("conversation" in a && !this.cache.has(a.conversation)) ids.push(a.conversation);
    return ids;
  }

  /** The instance an audience comes down to; undefined for everyone. */
  instanceOf(a: Audience): string | null | undefined {
    if ("all" in a) return undefined;
    if ("instance" in a) return a.instance;
    return this.cache.get(a.conversation) ?? null;
  }
}

/** May a socket whose owner works `instanceIds` (null: every instance) hear a frame for `instance`? */
export const hears = (instanceIds: string[] | null | undefined, instance: string | null | undefined) =>
  instanceIds == null || instance === undefined || (instance !== null && instanceIds.includes(instance));

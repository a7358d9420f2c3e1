// Shared state of one instance's inbox processing (lives in the WaInstance Durable Object):
// the database, a small contact cache and what changed, published once per event.

import { createContact } from "../contacts/contacts";
import { findByNumber, insertContact, nameIfUnnamed } from "../contacts/contacts.queries";
import { jidNumber } from "../contacts/phone";
import { ApiError } from "../errors";
import type { Db } from "../platform/db/client";
import { newId } from "../platform/lib/ids";
import { publishMany } from "../platform/realtime/publish";
import type { ChangedEvent } from "../shared/ws-events";

export type CachedContact = {
  id: string;
  name: string | null;
  /** Warmed from D1 by its stored number (see InstanceInbox): the sender's only if their digits normalise to it. */
  number?: string;
};

/** What applying one message event did: processed / ignored (with why) / held, kept `received` until its message lands. */
export type Outcome = {
  status: "processed" | "ignored" | "held";
  reason?: string;
  /** Already settled as processed in its write batch. */
  settled?: boolean;
};

/** The outcome of an item that is not a message (no object, or no key id). */
export const NO_MESSAGE_KEY: Outcome = { status: "ignored", reason: "no message key" };

export type InboxCtx = {
  env: Env;
  db: Db;
  instance: { id: string; name: string };
  /** The webhook_events row being applied (empty for our own sends' acknowledgements). */
  eventId: string;
  contacts: Map<string, CachedContact>;
  changes: Changes;
  /** False when no held receipt can refer to this external id (absent: look). */
  mayBeHeld?: (externalId: string) => boolean;
};

export class Changes {
  readonly messages = new Map<string, string>(); // message id → conversation id
  readonly conversations = new Set<string>();
  readonly contacts = new Set<string>();
  tags = false;
  /**
   * Contacts with a campaign send waiting for an answer, when the write batch looked (a group of
   * inbound messages): the others' replies skip the campaign lookup.
   */
  answerable?: Set<string>;
  /** Follow-up work (agent hooks) run after the event is settled, off the serial chain. */
  readonly after: (() => Promise<void>)[] = [];

  message(id: string, conversationId: string): void {
    this.messages.set(id, conversationId);
    this.conversations.add(conversationId);
  }

  /** Every dashboard hears about each change once; never throws. */
  async publish(env: Env): Promise<void> {
    const events: ChangedEvent[] = [];
    for (const [id, conversationId] of this.messages) events.push({ type: "changed", topic: "messages", id, data: { conversation_id: conversationId } });
    for (const id of this.conversations) events.push({ type: "changed", topic: "conversations", id });
    for (const id of this.contacts) events.push({ type: "changed", topic: "contacts", id });
    if (this.tags) events.push({ type: "changed", topic: "tags" });
    const jobs: Promise<void>[] = [publishMany(env, events)];
    for (const fn of this.after) jobs.push(fn().catch((err: unknown) => console.error(JSON.stringify({ at: "inbox.after", error: String(err) }))));
    await Promise.all(jobs);
  }
}

const MAX_CACHED = 5000;

/**
 * The contact for a phone JID's digits, created when new (name from pushName, nothing made
 * up). A contact without a name gets the pushName when one arrives.
 */
export async function resolveContact(ctx: InboxCtx, digits: string, pushName: string | null): Promise<CachedContact> {
  let hit = ctx.contacts.get(digits);
  let e164: string | undefined;
  if (hit?.number !== undefined) {
    e164 = e164Of(ctx, digits);
    hit = e164 === hit.number ? { id: hit.id, name: hit.name } : undefined;
    if (hit) ctx.contacts.set(digits, hit);
    else ctx.contacts.delete(digits);
  }
  if (hit && (hit.name || !pushName)) return hit;
  e164 ??= e164Of(ctx, digits);
  let row = hit ? { id: hit.id, name: hit.name } : await findByNumber(ctx.db, e164);
  if (!row) row = await create(ctx, e164, pushName);
  else if (!row.name && pushName) {
    if (await nameIfUnnamed(ctx.db, row.id, e164, pushName, Date.now())) {
      row = { ...row, name: pushName };
      ctx.changes.contacts.add(row.id);
    } else {
      // Named, renumbered or deleted since it was cached (never overwrite a name someone gave):
      // D1 tells who has this number now.
      row = (await findByNumber(ctx.db, e164)) ?? (await create(ctx, e164, pushName));
    }
  }
  const entry = { id: row.id, name: row.name };
  if (ctx.contacts.size >= MAX_CACHED) ctx.contacts.clear();
  ctx.contacts.set(digits, entry);
  return entry;
}

/** The number a JID's digits are stored under. */
export const e164Of = (ctx: Pick<InboxCtx, "env">, digits: string) => jidNumber(digits, ctx.env.DEFAULT_COUNTRY);

async function create(ctx: InboxCtx, e164: string, name: string | null): Promise<CachedContact> {
  try {
    const row = await createContact(ctx.db, ctx.env, { whatsapp_number: e164, name });
    ctx.changes.contacts.add(row.id);
    ctx.changes.tags = true;
    return row;
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) {
      const existing = await findByNumber(ctx.db, e164);
      if (existing) return existing;
    }
    if (!(err instanceof ApiError && err.status === 400)) throw err;
  }
  // WhatsApp knows the number even when libphonenumber does not: keep its digits as they are.
  const row = await insertContact(ctx.db, { id: newId("contact"), name, whatsappNumber: e164, country: null, tags: [], llmContext: {} }, Date.now());
  ctx.changes.contacts.add(row.id);
  return row;
}

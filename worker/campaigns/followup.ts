// Hooks the inbox calls after it has stored an inbound event (see the lead's wiring note):
//   onCampaignReceipt(env, instanceId, keyId, status) — from messages.update (DELIVERY_ACK/READ)
//   onContactReply(env, instanceId, contactId, text)  — from messages.upsert, inbound (fromMe false)
// Both are idempotent and never throw into the caller (a failed follow-up is logged).

import { getContact } from "../contacts/contacts.queries";
import { storeSendStmt } from "../outbox/outbox";
import { getDb } from "../platform/db/client";
import { sendQueue } from "../platform/queues";
import { publish } from "../platform/realtime/publish";
import { completeStmt } from "./campaigns.queries";
import { advanceByMessage, campaignsPendingFor, latestAnswerable, markReplied, optOut } from "./followup.queries";
import { skipStmts } from "./recipients.queries";

export const DEFAULT_OPT_OUT_KEYWORDS = ["STOP", "UNSUBSCRIBE", "SAIR", "PARAR"];
export const OPT_OUT_CONFIRMATION = "You have been unsubscribed and will not receive campaign messages from us again.";

/** A reply is an opt-out when, trimmed and without punctuation, it is one of the keywords. */
export function isOptOut(text: string, configured?: string): boolean {
  const list = configured?.trim()
    ? configured
        .split(",")
        .map((k) => k.trim().toUpperCase())
        .filter(Boolean)
    : DEFAULT_OPT_OUT_KEYWORDS;
  const word = text
    .trim()
    .replace(/[\s.!?¡¿,;:"'()*_~-]+/g, " ")
    .trim()
    .toUpperCase();
  return word.length > 0 && list.includes(word);
}

const logged = (at: string) => (err: unknown) => console.error(JSON.stringify({ at, error: err instanceof Error ? err.message : String(err) }));

/** messages.update for a message we sent: the recipient moves to delivered / read. */
export async function onCampaignReceipt(env: Env, instanceId: string, keyId: string, status: "delivered" | "read"): Promise<void> {
  try {
    const moved = await advanceByMessage(getDb(env.DB), instanceId, keyId, status);
    await Promise.all([...new Set(moved)].map((id) => publish(env, "campaigns", id)));
  } catch (err) {
    logged("campaign.receipt")(err);
  }
}

/**
 * An inbound message from a contact: opt-out keywords, `replied`, and the responding agent.
 * `mayBeAnswering` false: the caller already knows no campaign send waits for this contact's answer.
 */
export async function onContactReply(env: Env, instanceId: string, contactId: string, text: string, mayBeAnswering = true): Promise<{ optedOut: boolean }> {
  const db = getDb(env.DB);
  try {
    if (isOptOut(text, env.OPT_OUT_KEYWORDS)) {
      if (mayBeAnswering) await markAnswered(env, instanceId, contactId);
      if (await optOut(db, contactId)) {
        await skipEverywhere(env, contactId);
        await confirmOptOut(env, instanceId, contactId);
        await publish(env, "contacts", contactId);
      }
      return { optedOut: true };
    }
    if (mayBeAnswering) await markAnswered(env, instanceId, contactId);
  } catch (err) {
    logged("campaign.reply")(err);
  }
  return { optedOut: false };
}

async function markAnswered(env: Env, instanceId: string, contactId: string): Promise<void> {
  const db = getDb(env.DB);
  const last = await latestAnswerable(db, instanceId, contactId);
  if (!last) return;
  await markReplied(db, last.campaignId, contactId, last.agentId, instanceId);
  await publish(env, "campaigns", last.campaignId);
  if (last.agentId) await publish(env, "conversations");
}

/** Unclaimed sends to the contact in running campaigns become skipped (counters exact). */
async function skipEverywhere(env: Env, contactId: string): Promise<void> {
  const db = getDb(env.DB);
  const now = Date.now();
  for (const campaignId of await campaignsPendingFor(db, contactId)) {
    await db.batch([...skipStmts(db, campaignId, contactId, "Opted out", now), completeStmt(db, campaignId, now)]);
    await publish(env, "campaigns", campaignId);
  }
}

/**
 * Exactly one confirmation (optOut() is true once), sent through the outbox (so an outage delays
 * it instead of losing it) and written into the conversation when Evolution accepts it.
 */
async function confirmOptOut(env: Env, instanceId: string, contactId: string): Promise<void> {
  const db = getDb(env.DB);
  const contact = await getContact(db, contactId);
  if (!contact) return;
  try {
    const now = Date.now();
    const send = storeSendStmt(
      db,
      env,
      {
        key: `optout:${contactId}:${instanceId}:${now}`,
        instanceId,
        sender: "campaign",
        number: contact.whatsappNumber,
        contactId,
        type: "text",
        content: OPT_OUT_CONFIRMATION,
        mediaKey: null,
        mimeType: null,
        fileName: null,
      },
      now,
    );
    await send.stmt;
    await sendQueue(env).send({ outboxId: send.id });
  } catch (err) {
    logged("campaign.opt_out_confirmation")(err);
  }
}

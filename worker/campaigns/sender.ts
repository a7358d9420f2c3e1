// One campaign send: claim the recipient (the idempotency check), render, send through
// Evolution, and record the outcome, the counters and the conversation message (written by
// inbox/outbound.ts, the one recorder of what we send) in ONE batch.
//
// Delivery guarantee: at most once. The claim commits before the Evolution call; a redelivery,
// a retry or a second consumer finds it taken and sends nothing. If the consumer dies between
// the call and the record, the claim stays without an outcome and the send clock later fails
// it as "interrupted" (never re-sent: a duplicate message risks the number more than a gap).

import type { ContactRow } from "../contacts/contacts.queries";
import { sentMessageStmts } from "../inbox/outbound";
import type { InstanceRow } from "../instances/instances.queries";
import { getDb } from "../platform/db/client";
import { type EvolutionClient, EvolutionError } from "../platform/evolution/client";
import { renderTemplate } from "../shared/campaign-template";
import { type CampaignWithMessage, completeStmt } from "./campaigns.queries";
import { autoPause, canSend, pauseNotConnected } from "./lifecycle";
import { claim, recordFailedStmts, recordSentStmts, releaseClaim, skipStmts } from "./recipients.queries";

export type SendContext = {
  env: Env;
  client: EvolutionClient;
  campaign: CampaignWithMessage;
  instance: InstanceRow | undefined;
  contact: ContactRow | undefined;
};

export type SendOutcome = "sent" | "failed" | "skipped" | "duplicate" | "not_running" | "paused";

type MediaType = "image" | "video" | "audio" | "document";
export function mediaTypeOf(mime: string | null): MediaType {
  const top = (mime ?? "").split("/")[0];
  return top === "image" || top === "video" || top === "audio" ? top : "document";
}

export async function sendToRecipient(ctx: SendContext, contactId: string): Promise<SendOutcome> {
  const { env, campaign, instance, contact } = ctx;
  const db = getDb(env.DB);
  const now = Date.now();
  if (campaign.status !== "in_progress") return "not_running";
  if (!canSend(instance)) {
    await pauseNotConnected(env, [campaign.id], instance);
    return "paused";
  }
  if (!contact || contact.optedOut) {
    await db.batch([...skipStmts(db, campaign.id, contactId, contact ? "Opted out" : "Contact deleted", now), completeStmt(db, campaign.id, now)]);
    return "skipped";
  }
  if (!(await claim(db, campaign.id, contactId, now))) return "duplicate";

  const m = campaign.message;
  const text = renderTemplate(m?.content ?? "", contact);
  const number = contact.whatsappNumber.replace(/\D/g, "");
  const ref = { instanceName: instance.name, token: instance.evolutionToken };
  const kind = m?.attachmentBase64 ? mediaTypeOf(m.attachmentMimeType) : "text";
  let keyId: string;
  try {
    const sent =
      kind === "text" || !m?.attachmentBase64
        ? await ctx.client.sendText(ref, { number, text })
        : await ctx.client.sendMedia(ref, {
            number,
            mediatype: kind,
            media: m.attachmentBase64,
            ...(m.attachmentMimeType ? { mimetype: m.attachmentMimeType } : {}),
            ...(m.attachmentFileName ? { fileName: m.attachmentFileName } : {}),
            ...(text && kind !== "audio" ? { caption: text } : {}),
          });
    keyId = sent.key.id;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    // Evolution refuses sends on a closed socket before anything leaves: give the claim back
    // and pause, so resume sends it later.
    if (err instanceof EvolutionError && err.status === 400 && /connection closed/i.test(reason)) {
      await releaseClaim(db, campaign.id, contactId, Date.now());
      await autoPause(env, campaign.id, `Instance ${instance.name} is not connected (Evolution: Connection Closed)`);
      return "paused";
    }
    const at = Date.now();
    await record(db, [...recordFailedStmts(db, campaign.id, contactId, reason, at), completeStmt(db, campaign.id, at)]);
    return "failed";
  }
  const at = Date.now();
  await record(db, [
    ...recordSentStmts(db, campaign.id, contactId, keyId, at),
    ...sentMessageStmts(db, {
      instanceId: instance.id,
      instanceName: instance.name,
      contactId,
      contactName: contact.name,
      externalId: keyId,
      sender: "campaign",
      type: kind,
      text,
      mimeType: m?.attachmentMimeType ?? null,
      fileName: m?.attachmentFileName ?? null,
      at,
    }),
    completeStmt(db, campaign.id, at),
  ]);
  return "sent";
}

type Batch = Parameters<ReturnType<typeof getDb>["batch"]>[0];

/** The record is idempotent (guarded statements), so a transient D1 error is simply retried. */
async function record(db: ReturnType<typeof getDb>, stmts: Batch): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.batch(stmts);
      return;
    } catch (err) {
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

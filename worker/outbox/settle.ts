// Records a batch's outcomes in as few D1 round trips as it can: each send's statements (its
// outbox row, its conversation message, its campaign recipient and counter) stay together in
// one transaction, and the groups share batches. Then the follow-ups: live updates, retries on
// the queue, the breaker's failure count, campaigns paused by a closed instance.

import { completeStmt } from "../campaigns/campaigns.queries";
import { autoPause } from "../campaigns/lifecycle";
import { recordFailedStmts, recordSentStmts, skipClaimedStmts } from "../campaigns/recipients.queries";
import { settleHeldEchoesStmt } from "../inbox/message-events.queries";
import { attachExternalIdStmt, failPendingStmt, MAYBE_DELIVERED, pendingNoteStmt } from "../inbox/messages.queries";
import { sentMessageStmts } from "../inbox/outbound";
import { type Db, getDb, type Stmt } from "../platform/db/client";
import { sendQueue } from "../platform/queues";
import { publish, publishMessage } from "../platform/realtime/publish";
import { HOLD_MS, type Outcome } from "./attempt";
import type { SendContext, SendMessageRef } from "./context.queries";
import { acceptStmt, cancelOutboxStmt, failOutboxStmt, linkMessageStmt, requeueStmt } from "./outbox.queries";

/** Statements per D1 batch (a send's group is never split across two). */
const CHUNK = 96;

type Followups = {
  inboxAccepted: { instanceId: string; messageId: string; keyId: string; conversationId: string | null }[];
  messages: { id: string; conversationId: string }[];
  retries: { id: string; delayMs: number }[];
  outages: Map<string, { n: number; error: string }>;
  closed: Map<string, string>;
  campaigns: Set<string>;
  conversations: boolean;
};

/** The pending bubble says why it is not out yet (only when that changes, to spare live updates). */
function note(db: Db, f: Followups, message: SendMessageRef | undefined, text: string): Stmt[] {
  if (!message || message.error === text) return [];
  f.messages.push({ id: message.id, conversationId: message.conversationId });
  return [pendingNoteStmt(db, message.id, text)];
}

function statementsOf(db: Db, ctx: SendContext, o: Outcome, now: number, f: Followups): Stmt[] {
  const { row } = o;
  const campaign = row.campaignId && row.contactId ? { id: row.campaignId, contact: row.contactId } : null;
  const message = row.messageId ? ctx.messages.get(row.messageId) : undefined;
  if (campaign && o.kind !== "retry" && o.kind !== "held") f.campaigns.add(campaign.id);
  switch (o.kind) {
    case "accepted": {
      const out: Stmt[] = [acceptStmt(db, row.id, o.keyId, now)];
      if (row.messageId) {
        f.inboxAccepted.push({ instanceId: row.instanceId, messageId: row.messageId, keyId: o.keyId, conversationId: message?.conversationId ?? null });
        return out;
      }
      const inst = ctx.instances.get(row.instanceId);
      if (inst && row.contactId) {
        f.conversations = true;
        out.push(
          ...sentMessageStmts(db, {
            instanceId: row.instanceId,
            instanceName: inst.name,
            contactId: row.contactId,
            contactName: ctx.contacts.get(row.contactId)?.name ?? null,
            externalId: o.keyId,
            outboxId: row.id,
            sender: row.sender,
            type: row.type,
            text: row.content ?? "",
            mimeType: row.mimeType,
            fileName: row.fileName,
            at: now,
          }),
          linkMessageStmt(db, row.id, row.instanceId, o.keyId),
          // Its echo usually came first and waits, held: it is settled with the record.
          settleHeldEchoesStmt(db, row.instanceId, o.keyId, now),
        );
      }
      if (campaign) out.push(...recordSentStmts(db, campaign.id, campaign.contact, o.keyId, now));
      return out;
    }
    case "retry": {
      f.retries.push({ id: row.id, delayMs: o.at - now });
      if (o.outage) {
        const seen = f.outages.get(row.instanceId);
        f.outages.set(row.instanceId, { n: (seen?.n ?? 0) + 1, error: o.cause });
      }
      return [requeueStmt(db, row.id, { at: o.at, error: o.error, uncertain: o.uncertain }, now), ...note(db, f, message, `Retrying: ${o.error}`)];
    }
    case "held":
      if (o.closed && campaign)
        f.closed.set(campaign.id, `Instance ${ctx.instances.get(row.instanceId)?.name ?? row.instanceId} is not connected (Evolution: Connection Closed)`);
      return [requeueStmt(db, row.id, { at: now + HOLD_MS, error: o.reason, uncertain: false, undoAttempt: true }, now), ...note(db, f, message, o.reason)];
    case "failed": {
      const out: Stmt[] = [failOutboxStmt(db, row.id, o.error, o.retryable, now)];
      if (row.messageId) {
        const maybe = row.uncertain && !o.error.includes(MAYBE_DELIVERED) ? ` ${MAYBE_DELIVERED}` : "";
        out.push(failPendingStmt(db, row.messageId, `${o.error}${maybe}`.slice(0, 1000)));
        if (message) f.messages.push({ id: row.messageId, conversationId: message.conversationId });
      }
      if (campaign) out.push(...recordFailedStmts(db, campaign.id, campaign.contact, o.error, now));
      return out;
    }
    case "cancelled":
      return [cancelOutboxStmt(db, row.id, o.reason, now), ...(campaign ? skipClaimedStmts(db, campaign.id, campaign.contact, o.reason, now) : [])];
  }
}

async function runBatch(db: Db, stmts: Stmt[]): Promise<void> {
  const [first, ...rest] = stmts;
  if (!first) return;
  for (let attempt = 1; ; attempt++) {
    try {
      await db.batch([first, ...rest]);
      return;
    } catch (err) {
      // Every statement is guarded by the state it leaves: running it again is harmless.
      if (attempt >= 3) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

export async function settle(env: Env, ctx: SendContext, outcomes: Outcome[], now: number): Promise<void> {
  const db = getDb(env.DB);
  const f: Followups = { inboxAccepted: [], messages: [], retries: [], outages: new Map(), closed: new Map(), campaigns: new Set(), conversations: false };
  let chunk: Stmt[] = [];
  let chunkCampaigns = new Set<string>();
  const flush = async () => {
    for (const id of chunkCampaigns) chunk.push(completeStmt(db, id, now));
    await runBatch(db, chunk);
    chunk = [];
    chunkCampaigns = new Set();
  };
  for (const o of outcomes) {
    const group = statementsOf(db, ctx, o, now, f);
    if (chunk.length + group.length > CHUNK) await flush();
    chunk.push(...group);
    if (o.row.campaignId && o.kind !== "retry" && o.kind !== "held") chunkCampaigns.add(o.row.campaignId);
  }
  await flush();
  await followUp(env, db, f);
}

async function followUp(env: Env, db: Db, f: Followups): Promise<void> {
  // Inbox sends take their key.id through their instance's object, which matches early receipts and echoes.
  await Promise.all(
    f.inboxAccepted.map(async (a) => {
      try {
        await env.WA_INSTANCE.getByName(a.instanceId).outboundSent(a.messageId, a.keyId);
      } catch (err) {
        console.warn(JSON.stringify({ at: "outbox.record", messageId: a.messageId, via: "instance", error: String(err) }));
        const [row] = await attachExternalIdStmt(db, a.messageId, a.keyId);
        if (row) await publishMessage(env, a.messageId, row.conversationId);
      }
    }),
  );
  for (let i = 0; i < f.retries.length; i += 100)
    await sendQueue(env).sendBatch(
      f.retries
        .slice(i, i + 100)
        .map((r) => ({ body: { outboxId: r.id }, delaySeconds: Math.max(0, Math.ceil(r.delayMs / 1000)), contentType: "json" as const })),
    );
  await Promise.all([...f.outages].map(([instanceId, o]) => env.SEND_CLOCK.getByName(instanceId).reportOutage(o.n, o.error)));
  for (const [campaignId, reason] of f.closed) await autoPause(env, campaignId, reason, "disconnected");
  await Promise.all([
    ...f.messages.map((m) => publishMessage(env, m.id, m.conversationId)),
    ...[...f.campaigns].filter((id) => !f.closed.has(id)).map((id) => publish(env, "campaigns", id)),
    ...(f.conversations ? [publish(env, "conversations")] : []),
  ]);
}

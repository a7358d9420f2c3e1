// The outbox's consumer, for SEND_QUEUE (inbox, agent, menu and opt-out sends, retries, re-drives)
// and CAMPAIGN_QUEUE (campaign sends): each queue message names one outbox row. A batch is
// claimed in one statement, its context read in one round trip, its sends made concurrently
// (one after another per chat, so a contact gets them in order), and its outcomes recorded
// together (settle.ts). Queue messages are acked: the outbox row, not the queue, holds what is
// left to do, and a batch that cannot be recorded is retried whole (the claim makes it harmless).
import { getDb } from "../platform/db/client";
import { evolutionClientFromEnv } from "../platform/evolution/client";
import { campaignSendMessage, outboxJob, sendJob } from "../shared/queues";
import { attempt, type Outcome } from "./attempt";
import { sendContext } from "./context.queries";
import { messageSendFor } from "./legacy";
import { claimOutbox, type OutboxRow } from "./outbox.queries";
import { settle } from "./settle";

/** A claimed send belongs to its consumer this long (sends may block up to 60 s in Evolution). */
export const LEASE_MS = 3 * 60_000;
/** Chats sent to at once per batch. */
const CONCURRENCY = 32;
/** Outcomes recorded together while the rest of the batch is still sending (about one D1 batch of statements). */
const WAVE = 12;

export async function handleOutboxBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const ids: string[] = [];
  for (const msg of batch.messages) {
    const job = outboxJob.safeParse(msg.body);
    if (job.success) {
      ids.push(job.data.outboxId);
      continue;
    }
    // Queued before the outbox existed: an inbox message gets its row now; an old campaign
    // message is dropped (its recipient is still unclaimed, so the send clock hands it out again).
    const legacy = sendJob.safeParse(msg.body);
    if (legacy.success) {
      const id = await messageSendFor(env, legacy.data.messageId);
      if (id) ids.push(id);
    } else if (!campaignSendMessage.safeParse(msg.body).success) {
      console.error(JSON.stringify({ at: "outbox.bad_message", queue: batch.queue, id: msg.id }));
    }
  }
  try {
    await sendOutbox(env, [...new Set(ids)]);
    batch.ackAll();
  } catch (err) {
    console.error(JSON.stringify({ at: "outbox.batch", queue: batch.queue, messages: batch.messages.length, error: String(err) }));
    batch.retryAll({ delaySeconds: 2 });
  }
}

/** Claims, sends and records these outbox rows (those not queued or not due are left alone). */
export async function sendOutbox(env: Env, ids: string[], now = Date.now()): Promise<void> {
  const db = getDb(env.DB);
  const claimed = await claimOutbox(db, ids, now, LEASE_MS);
  if (!claimed.length) return;
  const ctx = await sendContext(db, claimed);
  // Retries are the outbox's (durable, reconciled first); the client makes one attempt per call.
  const client = evolutionClientFromEnv(env, { retries: 1 });
  const chats = new Map<string, OutboxRow[]>();
  for (const row of claimed) {
    const key = `${row.instanceId}:${row.number}`;
    chats.set(key, [...(chats.get(key) ?? []), row]);
  }
  // Outcomes are recorded in waves while the other sends are still out (one wave at a time): a
  // send is on record about as soon as Evolution answered it, before its receipts come back.
  let outcomes: Outcome[] = [];
  let recorded = Promise.resolve();
  const unrecorded: unknown[] = [];
  const record = () => {
    const wave = outcomes;
    outcomes = [];
    // A wave that cannot be recorded fails the batch (after the others are recorded), as one chunk of settle() does.
    if (wave.length) recorded = recorded.then(() => settle(env, ctx, wave, Date.now()).catch((err: unknown) => void unrecorded.push(err)));
  };
  const queue = [...chats.values()];
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
      for (let rows = queue.shift(); rows; rows = queue.shift())
        for (const row of rows) {
          try {
            // Awaited before `outcomes` is read: record() may have started a new wave meanwhile.
            const outcome = await attempt(env, client, ctx, row, Date.now());
            outcomes.push(outcome);
            if (outcomes.length >= WAVE) record();
          } catch (err) {
            // Nothing proves it left: the sweeper takes it back when its lease runs out.
            console.error(JSON.stringify({ at: "outbox.attempt", outboxId: row.id, error: String(err) }));
          }
        }
    }),
  );
  record();
  await recorded;
  if (unrecorded.length) throw unrecorded[0];
}

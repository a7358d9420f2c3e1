// CAMPAIGN_QUEUE consumer: one recipient per message (worker/shared/queues.ts). The
// campaign, its instance and the batch's contacts are read once per batch; each message waits
// for the slot the instance's send clock gave it, then goes through sendToRecipient (claim →
// send → record). Messages are always acked: the claim makes a repeat harmless, and an
// unclaimed recipient whose message was dropped is handed out again by the clock.
import { getContacts } from "../contacts/contacts.queries";
import { getInstance, type InstanceRow } from "../instances/instances.queries";
import { getDb } from "../platform/db/client";
import { evolutionClientFromEnv } from "../platform/evolution/client";
import { publish } from "../platform/realtime/publish";
import { type CampaignSendMessage, campaignSendMessage } from "../shared/queues";
import { type CampaignWithMessage, getCampaign } from "./campaigns.queries";
import { type SendOutcome, sendToRecipient } from "./sender";

const MAX_SLOT_WAIT_MS = 30_000;
const CONCURRENCY = 10;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

export async function handleCampaignBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const db = getDb(env.DB);
  const work: { msg: Message<unknown>; body: CampaignSendMessage }[] = [];
  for (const msg of batch.messages) {
    const parsed = campaignSendMessage.safeParse(msg.body);
    if (parsed.success) work.push({ msg, body: parsed.data });
    else {
      console.error(JSON.stringify({ at: "campaign_send.bad_message", id: msg.id }));
      msg.ack();
    }
  }
  if (!work.length) return;

  const campaignIds = [...new Set(work.map((w) => w.body.campaign_id))];
  const campaignsById = new Map<string, CampaignWithMessage>();
  const instanceOf = new Map<string, InstanceRow | undefined>();
  for (const id of campaignIds) {
    const c = await getCampaign(db, id);
    if (!c) continue;
    campaignsById.set(id, c);
    instanceOf.set(id, c.instanceId ? await getInstance(db, c.instanceId) : undefined);
  }
  const contactIds = [...new Set(work.map((w) => w.body.contact_id))];
  const rows = await getContacts(db, contactIds);
  const contactById = new Map(rows.map((r) => [r.id, r]));
  const client = evolutionClientFromEnv(env, { retries: 1 });
  const touched = new Map<string, SendOutcome>();

  await pool(work, CONCURRENCY, async ({ msg, body }) => {
    const campaign = campaignsById.get(body.campaign_id);
    try {
      if (!campaign) return msg.ack();
      let waited = false;
      if (body.slot_at !== undefined && body.slot_at > Date.now()) {
        await sleep(Math.min(body.slot_at - Date.now(), MAX_SLOT_WAIT_MS));
        waited = true;
      }
      // After waiting for its slot, a paced send re-reads the instance (it may have dropped).
      const instance = waited && campaign.instanceId ? await getInstance(db, campaign.instanceId) : instanceOf.get(campaign.id);
      const outcome = await sendToRecipient({ env, client, campaign, instance, contact: contactById.get(body.contact_id) }, body.contact_id);
      if (outcome !== "duplicate" && outcome !== "not_running") touched.set(campaign.id, outcome);
      msg.ack();
    } catch (err) {
      console.error(JSON.stringify({ at: "campaign_send.error", campaign: body.campaign_id, contact: body.contact_id, error: String(err) }));
      msg.retry({ delaySeconds: Math.min(60, 2 ** msg.attempts) });
    }
  });
  // One live update per campaign per batch, not per send.
  await Promise.all([...touched.keys()].map((id) => publish(env, "campaigns", id)));
}

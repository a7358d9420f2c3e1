// Before a send whose earlier attempt may have reached Evolution (no answer, a 5xx, a lease that
// ran out) is tried again, Evolution is asked: `chat/findMessages` for our messages to that chat
// since the first attempt (EVOLUTION.md §2.14: `offset` is the page size, both timestamp bounds
// are needed, results newest first). One whose content matches and whose key.id no other send of
// ours holds is this send: it is accepted with that key.id and never sent again.
import { messageContent } from "../inbox/message-content";
import { getDb } from "../platform/db/client";
import { type EvolutionClient, EvolutionError, type InstanceRef } from "../platform/evolution/client";
import { takenExternalIds } from "./context.queries";
import { contentHash } from "./outbox";
import type { OutboxRow } from "./outbox.queries";

export type Reconciled = { keyId: string } | { absent: true } | { error: string; outage: boolean };

/** Seconds of clock skew allowed between us and Evolution when bounding the lookup. */
const SKEW_S = 120;
const PAGE = 50;

export async function reconcile(env: Env, client: EvolutionClient, ref: InstanceRef, row: OutboxRow): Promise<Reconciled> {
  const fromS = Math.floor((row.firstAttemptAt ?? row.createdAt) / 1000) - SKEW_S;
  const toS = Math.ceil(Date.now() / 1000) + SKEW_S;
  let records: Awaited<ReturnType<EvolutionClient["findMessages"]>>["records"];
  try {
    const found = await client.findMessages(ref, {
      where: {
        key: { remoteJid: `${row.number}@s.whatsapp.net`, fromMe: true },
        messageTimestamp: { gte: new Date(fromS * 1000).toISOString(), lte: new Date(toS * 1000).toISOString() },
      },
      page: 1,
      offset: PAGE,
    });
    records = found.records;
  } catch (err) {
    const outage = err instanceof EvolutionError ? err.status === 0 || err.status >= 500 : true;
    return { error: err instanceof Error ? err.message : String(err), outage };
  }
  const matching = records.filter((r) => {
    if (r.key.fromMe !== true) return false;
    const c = messageContent(r.message, r.messageType);
    return c !== null && contentHash(c.type, c.type === "text" ? c.text : c.caption) === row.contentHash;
  });
  if (!matching.length) return { absent: true };
  const taken = await takenExternalIds(
    getDb(env.DB),
    row.instanceId,
    matching.map((r) => r.key.id),
  );
  // Oldest first: two identical sends in a row take their key.ids in the order they went out.
  const mine = matching.reverse().find((r) => !taken.has(r.key.id));
  return mine ? { keyId: mine.key.id } : { absent: true };
}

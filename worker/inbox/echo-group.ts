// A burst of send.message echoes (Evolution's copy of every message sent through its API: one
// per campaign send) looked at in ONE D1 round trip — their copy into webhook_events and, for
// each, whether its message is stored already, whether one of our inbox sends to that number
// still waits for its key.id, and whether a campaign send to that number is on the wire. The two
// common answers are settled here: stored already (ignored), or a campaign send in flight with
// nothing else of ours pending (held: the outbox settles it with the send's record, or the
// instance looks again). Every other echo is applied alone, as ingestEcho decides.
import { campaignSendInFlightQuery } from "../campaigns/recipients.queries";
import { contactIdByNumberSql } from "../contacts/contacts.queries";
import type { Delivery, IngestResult } from "../instances/delivery";
import type { DeliveryMirror } from "../instances/journal-mirror";
import { settleWebhookEventsStmt } from "../instances/webhook-events.queries";
import type { Stmt } from "../platform/db/client";
import { dbErrorMessage } from "../platform/db/errors";
import { e164Of, type InboxCtx } from "./context";
import { parseItem } from "./ingest";
import { byExternalQuery, unmatchedOutbound } from "./messages.queries";
import { messageItem } from "./webhook-items";

/** Per delivery, its result; `alone` applies those the group cannot settle (all of them without the instance, or if the batch fails). */
export async function applyEchoGroup(
  ctx: InboxCtx | null,
  journal: DeliveryMirror,
  ds: Delivery[],
  alone: (ds: Delivery[]) => Promise<IngestResult[]>,
): Promise<IngestResult[]> {
  if (!ctx) return alone(ds);
  let looked: (IngestResult | null)[];
  try {
    looked = await lookAt(ctx, journal, ds);
  } catch (err) {
    console.warn(JSON.stringify({ at: "inbox.echoes", events: ds.length, error: dbErrorMessage(err) }));
    looked = ds.map(() => null);
  }
  const rest = await alone(ds.filter((_, i) => looked[i] === null));
  return looked.map((r) => r ?? rest.shift() ?? "failed");
}

/** null: to be applied alone. */
async function lookAt(ctx: InboxCtx, journal: DeliveryMirror, ds: Delivery[]): Promise<(IngestResult | null)[]> {
  const plan = await journal.plan();
  const stmts: Stmt[] = [...(plan?.stmts ?? [])];
  const looks = ds.map((d) => {
    const item = messageItem(d.data);
    const p = item ? parseItem(item) : null;
    if (!item || !p || !("content" in p)) return null; // ignored for a reason of its own: applied alone
    const contact = contactIdByNumberSql(e164Of(ctx, p.digits));
    const at = stmts.length;
    stmts.push(
      byExternalQuery(ctx.db, ctx.instance.id, item.key.id),
      unmatchedOutbound(ctx.db, ctx.instance.id, contact),
      campaignSendInFlightQuery(ctx.db, ctx.instance.id, contact),
    );
    return at;
  });
  const [first, ...rest] = stmts;
  const results: unknown[] = first ? await ctx.db.batch([first, ...rest]) : [];
  plan?.done(results.slice(0, plan.stmts.length));
  const out = looks.map((at): IngestResult | null => {
    if (at === null) return null;
    const [stored, mine, inFlight] = [results[at], results[at + 1], results[at + 2]] as unknown[][];
    if (stored!.length) return "ignored";
    if (mine!.length) return null; // may be one of our inbox sends: ingestEcho matches it
    return inFlight!.length ? "deferred" : null;
  });
  const stored = ds.filter((_, i) => out[i] === "ignored").map((d) => d.eventId);
  if (stored.length) await settleWebhookEventsStmt(ctx.db, stored, "ignored", "echo of a message already stored");
  return out;
}

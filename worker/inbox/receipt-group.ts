// A burst of messages.update deliveries (Evolution's SERVER_ACK / DELIVERY_ACK / READ for every
// send: three per message) applied in ONE D1 round trip — their copy into webhook_events, every
// status move, and each one's message lookup — then settled together. A receipt whose message
// is not stored yet stays `received` (held) as when it is applied alone.
import type { Delivery, IngestResult } from "../instances/delivery";
import type { DeliveryMirror } from "../instances/journal-mirror";
import { settleWebhookEventsStmt } from "../instances/webhook-events.queries";
import type { Stmt } from "../platform/db/client";
import type { InboxCtx, Outcome } from "./context";
import { prepareUpdate } from "./receipts";
import { updateItems } from "./webhook-items";

/** Results per delivery: "deferred" for the held ones (the caller reloads its held set). */
export async function applyReceiptGroup(ctx: InboxCtx, journal: DeliveryMirror, ds: Delivery[]): Promise<IngestResult[]> {
  const plan = await journal.plan();
  const stmts: Stmt[] = [...(plan?.stmts ?? [])];
  const preps = ds.map((d) => {
    const p = prepareUpdate(ctx, updateItems(d.data));
    const at = stmts.length;
    stmts.push(...p.stmts);
    return { p, at, n: p.stmts.length };
  });
  const [first, ...rest] = stmts;
  const results: unknown[] = first ? await ctx.db.batch([first, ...rest]) : [];
  plan?.done(results.slice(0, plan.stmts.length));
  const outcomes: Outcome[] = preps.map(({ p, at, n }) => p.finish(results.slice(at, at + n)));
  const processed = ds.filter((_, i) => outcomes[i]!.status === "processed").map((d) => d.eventId);
  const settle: Stmt[] = processed.length ? [settleWebhookEventsStmt(ctx.db, processed, "processed")] : [];
  for (const [i, o] of outcomes.entries())
    if (o.status === "ignored") settle.push(settleWebhookEventsStmt(ctx.db, [ds[i]!.eventId], "ignored", o.reason ?? null));
  const [s1, ...sRest] = settle;
  if (s1) await ctx.db.batch([s1, ...sRest]);
  return outcomes.map((o) => (o.status === "held" ? "deferred" : o.status === "processed" ? "processed" : "ignored"));
}

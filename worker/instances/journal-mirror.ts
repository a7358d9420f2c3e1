// Copies an instance's journal (journal.ts, in its Durable Object's storage) into D1
// webhook_events, where the API lists and replays deliveries: on its own, or as the first
// statements of the batch that applies them. A key D1 knew before (under another id) is noted,
// so the delivery is applied under D1's id.
import { getDb, type Stmt } from "../platform/db/client";
import type { Delivery } from "./delivery";
import type { WebhookJournal } from "./journal";
import { mirrorWebhookEventsStmts } from "./webhook-events.queries";

/** Journal rows copied to D1 per round trip. */
const MIRROR_BATCH = 96;

/** Statements to run first in a write batch, and what to note once they ran. */
export type MirrorPlan = { stmts: [Stmt, ...Stmt[]]; more: boolean; done: (results: unknown[]) => void };

/** What the inbox needs of the mirror before it writes (see InstanceInbox). */
export type DeliveryMirror = {
  /** The copy statements to put first in a write batch; null when there is nothing (left) to copy. */
  plan: () => Promise<MirrorPlan | null>;
  /** Copies on their own: D1 then holds these deliveries, which come back under D1's ids. */
  prepare: (ds: Delivery[]) => Promise<Delivery[]>;
};

export class JournalMirror implements DeliveryMirror {
  /** Journal ids whose key D1 knew under another id (noted when copied, used once). */
  private readonly remap = new Map<string, { id: string; settled: boolean }>();

  constructor(
    private readonly journal: WebhookJournal,
    private readonly d1: D1Database,
    /** The instance's id (the object's name), and its row when it still exists. */
    private readonly instanceId: string | undefined,
    private readonly instance: () => Promise<{ id: string; name: string } | null>,
  ) {}

  async plan(): Promise<MirrorPlan | null> {
    const plan = await this.next();
    if (!plan?.more) return plan;
    await this.copy(); // a long backlog: copy it all first, so the batch's own rows are in D1
    return null;
  }

  /** Copies every new journal row into D1 webhook_events. */
  async copy(): Promise<void> {
    for (;;) {
      const plan = await this.next();
      if (!plan) return;
      plan.done(await getDb(this.d1).batch(plan.stmts));
      if (!plan.more) return;
    }
  }

  /** Before a batch is applied: D1 has its deliveries, under D1's ids. */
  async prepare(ds: Delivery[]): Promise<Delivery[]> {
    await this.copy();
    if (!this.remap.size) return ds;
    return ds.map((d) => {
      const m = this.remap.get(d.eventId);
      if (!m) return d;
      this.remap.delete(d.eventId);
      return { ...d, eventId: m.id, repeat: d.repeat || m.settled };
    });
  }

  /** The statements that copy the next journal rows not in D1 yet. Null: nothing new. */
  private async next(): Promise<MirrorPlan | null> {
    const rows = this.journal.unmirrored(MIRROR_BATCH);
    if (!rows.length) return null;
    const row = await this.instance();
    const instance = { id: this.instanceId ?? row?.id ?? "", name: row?.name ?? "(deleted)" };
    const [first, ...rest] = mirrorWebhookEventsStmts(getDb(this.d1), instance, rows);
    return {
      stmts: [first!, ...rest],
      more: rows.length === MIRROR_BATCH,
      done: (results) => {
        const byKey = new Map((results as { id: string; dedupeKey: string; status: string }[][]).flat().map((r) => [r.dedupeKey, r]));
        if (this.remap.size > 1000) this.remap.clear();
        this.journal.markMirrored(
          rows.map((r) => {
            const d1 = byKey.get(r.dedupeKey);
            if (d1 && d1.id !== r.id) this.remap.set(r.id, { id: d1.id, settled: ["processed", "ignored", "rejected"].includes(d1.status) });
            return { dedupeKey: r.dedupeKey, deliveries: r.deliveries, id: d1?.id ?? r.id };
          }),
        );
      },
    };
  }
}

import { DurableObject } from "cloudflare:workers";
import { getInstance } from "../instances/instances.queries";
import { Breaker } from "../outbox/breaker";
import { redriveQueued } from "../outbox/redrive";
import { getDb } from "../platform/db/client";
import { campaignQueue, sendQueue } from "../platform/queues";
import { publish } from "../platform/realtime/publish";
import { breakerHooks } from "./breaker-hooks";
import { type CampaignRow, completeStmt, getCampaign, getCampaigns } from "./campaigns.queries";
import { handOut } from "./handout";
import { canSend, pauseNotConnected, startDue } from "./lifecycle";
import { capDay, inWindow, isUnpaced, nextCapDay, nextWindowOpen, pacingOf, slotGapMs } from "./pacing";
import { failStaleClaims, nextUnclaimed, pendingSplit } from "./recipients.queries";

const UNPACED_CHUNK = 1_000;
const RECHECK_MS = 1_000;
/** A pre-outbox claim this old with no outcome: the consumer died mid-send (never re-sent, see failStaleClaims). */
const STALE_CLAIM_MS = 5 * 60_000;
/** Unclaimed recipients that made no progress this long after dispatch are handed out again. */
const STALL_MS = 60_000;

type Cap = { day: string; n: number };
type Stall = { unclaimed: number; since: number };

/**
 * The send clock of one WhatsApp instance (addressed by instance id), and its outbox's circuit
 * breaker. Every campaign on the number registers here; the alarm hands recipients out — one
 * per 60 s / per_minute (± jitter) at its slot, round-robin across the campaigns, inside each
 * one's window and daily cap; unpaced, a chunk at a time — as outbox rows (handout.ts) queued
 * for the outbox consumer. The clock decides *when*; the outbox's claim decides *whether*.
 * The breaker (worker/outbox/breaker.ts) pauses the instance's campaigns while Evolution is
 * unreachable and resumes them, with every held send, when it answers again.
 */
export class SendClock extends DurableObject<Env> {
  private readonly breaker = new Breaker(
    this.ctx.storage,
    this.env,
    this.ctx.id.name ?? "",
    breakerHooks(this.env, this.ctx.id.name ?? "", (id) => this.register(id, true)),
  );

  /** Sends through this instance ended with no answer, a timeout or a 5xx (the breaker counts them). */
  async reportOutage(n: number, error: string): Promise<void> {
    const probeAt = await this.breaker.report(n, error, Date.now());
    if (probeAt !== null) await this.armAt(probeAt);
  }

  private get db() {
    return getDb(this.env.DB);
  }
  private get instanceId(): string {
    return this.ctx.id.name ?? "";
  }

  /**
   * Adds a running campaign; `rescan` (resume) hands out again whatever is still unclaimed and
   * re-drives the sends it had handed out before the pause.
   */
  async register(campaignId: string, rescan = false): Promise<void> {
    const active = (await this.ctx.storage.get<string[]>("active")) ?? [];
    if (!active.includes(campaignId)) await this.ctx.storage.put("active", [...active, campaignId]);
    if (rescan) {
      await this.ctx.storage.delete([`cursor:${campaignId}`, `stall:${campaignId}`]);
      await redriveQueued(this.env, { campaignId });
    }
    await this.armAt(Date.now());
  }

  /** Starts the campaign at `at` (the alarm is the timer; re-arming to the earliest due time). */
  async schedule(campaignId: string, at: number): Promise<void> {
    const due = (await this.ctx.storage.get<Record<string, number>>("scheduled")) ?? {};
    await this.ctx.storage.put("scheduled", { ...due, [campaignId]: at });
    await this.armAt(at);
  }

  async state() {
    const [active, scheduled, next, breaker] = await Promise.all([
      this.ctx.storage.get<string[]>("active"),
      this.ctx.storage.get<Record<string, number>>("scheduled"),
      this.ctx.storage.get<number>("next"),
      this.breaker.state(),
    ]);
    return { active: active ?? [], scheduled: scheduled ?? {}, next: next ?? null, breaker: breaker ?? null, alarm: await this.ctx.storage.getAlarm() };
  }

  private async armAt(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(at);
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    let wake = await this.startScheduled(now);
    const probe = await this.breaker.probeIfDue(now);
    if (probe !== null) wake = Math.min(wake ?? probe, probe);
    const active = (await this.ctx.storage.get<string[]>("active")) ?? [];
    // While the breaker is open its campaigns are paused: nothing to hand out.
    if (active.length && probe === null) {
      const next = await this.tick(active, now);
      if (next !== null) wake = Math.min(wake ?? next, next);
    }
    if (wake !== null) await this.ctx.storage.setAlarm(Math.max(wake, Date.now()));
  }

  private async startScheduled(now: number): Promise<number | null> {
    const due = (await this.ctx.storage.get<Record<string, number>>("scheduled")) ?? {};
    const ready = Object.entries(due)
      .filter(([, at]) => at <= now)
      .map(([id]) => id);
    if (ready.length) {
      await startDue(this.env, this.instanceId, now);
      const left = (await this.ctx.storage.get<Record<string, number>>("scheduled")) ?? {};
      for (const id of ready) delete left[id];
      await this.ctx.storage.put("scheduled", left);
      for (const id of ready) await this.register(id);
    }
    const rest = Object.values((await this.ctx.storage.get<Record<string, number>>("scheduled")) ?? {});
    return rest.length ? Math.min(...rest) : null;
  }

  private async drop(ids: string[]): Promise<void> {
    if (!ids.length) return;
    const active = (await this.ctx.storage.get<string[]>("active")) ?? [];
    await this.ctx.storage.put(
      "active",
      active.filter((id) => !ids.includes(id)),
    );
    await this.ctx.storage.delete(ids.flatMap((id) => [`cursor:${id}`, `stall:${id}`, `cap:${id}`]));
  }

  /** One pass: returns when to run again (null: nothing left to do). */
  private async tick(active: string[], now: number): Promise<number | null> {
    const db = this.db;
    const rows = await getCampaigns(db, active);
    const running = active.map((id) => rows.find((r) => r.id === id)).filter((r): r is CampaignRow => r?.status === "in_progress");
    await this.drop(active.filter((id) => !running.some((r) => r.id === id)));
    if (!running.length) return null;

    // Polling the instance before handing out sends is the disconnect hook: a closed number
    // pauses its campaigns with the reason, and nothing more is queued.
    const instance = await getInstance(db, this.instanceId);
    if (!canSend(instance)) {
      const ids = running.map((c) => c.id);
      await pauseNotConnected(this.env, ids, instance);
      await this.drop(ids);
      return null;
    }

    let wake: number | null = null;
    const soon = (at: number) => (wake = wake === null ? at : Math.min(wake, at));
    const ready: CampaignRow[] = [];
    for (const c of running) {
      const p = pacingOf(c);
      const cap = await this.ctx.storage.get<Cap>(`cap:${c.id}`);
      const day = capDay(now, p.window);
      if (!inWindow(now, p.window)) soon(nextWindowOpen(now, p.window));
      else if (p.dailyCap !== null && cap?.day === day && cap.n >= p.dailyCap) soon(nextCapDay(now, p.window));
      else ready.push(c);
    }

    // Unpaced campaigns: hand out everything unclaimed, a chunk per pass.
    for (const c of ready.filter((r) => isUnpaced(pacingOf(r)))) {
      const ids = await this.take(c, UNPACED_CHUNK, now);
      if (ids.length) {
        await this.enqueue(campaignQueue(this.env), await this.handOut(c.id, ids, now));
        soon(now);
      } else soon(await this.finishing(c, now));
    }

    // Paced campaigns share one slot clock: one slot per pass, round-robin, each recipient
    // handed out and queued at its slot (the consumer sends it at once).
    const paced = ready.filter((r) => !isUnpaced(pacingOf(r)));
    if (paced.length) {
      const slot = Math.max((await this.ctx.storage.get<number>("next")) ?? 0, now);
      if (slot - now > 20) soon(slot);
      else {
        const rr = ((await this.ctx.storage.get<number>("rr")) ?? 0) % paced.length;
        let handed = false;
        for (let i = 0; i < paced.length && !handed; i++) {
          const c = paced[(rr + i) % paced.length]!;
          const [id] = await this.take(c, 1, now);
          if (!id) {
            soon(await this.finishing(c, now));
            continue;
          }
          const sends = await this.handOut(c.id, [id], now);
          // A skipped recipient (opted out since the start) gives its slot to the next one.
          const next = sends.length ? slot + slotGapMs(pacingOf(c)) : slot;
          await this.enqueue(sendQueue(this.env), sends);
          await this.ctx.storage.put({ next, rr: (rr + i + 1) % paced.length });
          soon(next);
          handed = true;
        }
      }
    }
    return wake;
  }

  /** The next unclaimed recipients after the campaign's cursor; advances it and the day's cap. */
  private async take(c: CampaignRow, limit: number, now: number): Promise<string[]> {
    const p = pacingOf(c);
    const day = capDay(now, p.window);
    const cap = await this.ctx.storage.get<Cap>(`cap:${c.id}`);
    const used = cap?.day === day ? cap.n : 0;
    const room = p.dailyCap === null ? limit : Math.min(limit, p.dailyCap - used);
    if (room <= 0) return [];
    const after = (await this.ctx.storage.get<string>(`cursor:${c.id}`)) ?? "";
    const ids = await nextUnclaimed(this.db, c.id, after, room);
    const last = ids.at(-1);
    if (last) await this.ctx.storage.put({ [`cursor:${c.id}`]: last, [`cap:${c.id}`]: { day, n: used + ids.length } satisfies Cap });
    return ids;
  }

  /** Everything was handed out: complete, fail dead claims, or hand out again after a stall. */
  private async finishing(c: CampaignRow, now: number): Promise<number> {
    const db = this.db;
    const split = await pendingSplit(db, c.id);
    if (split.claimed && split.oldestClaim !== null && split.oldestClaim < now - STALE_CLAIM_MS) {
      await failStaleClaims(db, c.id, now - STALE_CLAIM_MS, now);
      return now;
    }
    if (!split.unclaimed && !split.claimed) {
      const [done] = await completeStmt(db, c.id, now);
      if (done) await publish(this.env, "campaigns", c.id, { status: "completed" });
      await this.drop([c.id]);
      return now + RECHECK_MS;
    }
    const stall = await this.ctx.storage.get<Stall>(`stall:${c.id}`);
    if (split.unclaimed && stall?.unclaimed === split.unclaimed && now - stall.since > STALL_MS) {
      await this.ctx.storage.delete([`cursor:${c.id}`, `stall:${c.id}`]);
      return now;
    }
    if (stall?.unclaimed !== split.unclaimed) await this.ctx.storage.put(`stall:${c.id}`, { unclaimed: split.unclaimed, since: now } satisfies Stall);
    return now + (split.claimed && !split.unclaimed ? RECHECK_MS : RECHECK_MS * 2);
  }

  private async handOut(campaignId: string, contactIds: string[], now: number): Promise<string[]> {
    const c = await getCampaign(this.db, campaignId);
    return c ? handOut(this.env, c, contactIds, now) : [];
  }

  private async enqueue(queue: ReturnType<typeof sendQueue>, outboxIds: string[]): Promise<void> {
    for (let i = 0; i < outboxIds.length; i += 100)
      await queue.sendBatch(outboxIds.slice(i, i + 100).map((outboxId) => ({ body: { outboxId }, contentType: "json" as const })));
  }
}

import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { handleQueue } from "../../queues";
import { eventually } from "../helpers";
import { installSimulator } from "../simulator-harness";
import { control, countsFromRows, createCampaign, getCampaign, openInstance, seedContacts, settle, tag, waitForStatus } from "./fixtures";

const { sim, restore } = installSimulator();
afterAll(async () => {
  await settle(sim);
  restore();
});

const claimed = async (id: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM campaign_recipients WHERE campaign_id = ? AND attempts > 0").bind(id).first<{ n: number }>())?.n ?? 0;
const sendsTo = (name: string) => sim.sends(name).filter((s) => s.status === 201).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("pause, resume, cancel and queue redelivery", () => {
  it("pause stops new sends, resume finishes with nobody sent twice", { timeout: 60_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    await seedContacts(20, t);
    // 600/min = one slot every 100 ms: fast enough for a test, slow enough to pause mid-way.
    const c = await createCampaign({
      name: "Pausable",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Hi {{name}}" },
      pacing: { per_minute: 600, jitter_pct: 0 },
    });
    await control(c.id, "start");
    await eventually(async () => (await getCampaign(c.id)).sent >= 4, 15_000);
    const paused = await control(c.id, "pause");
    expect(paused.status).toBe(200);
    // Every send that can still happen was claimed before pause returned.
    const claimedAtPause = await claimed(c.id);
    await sleep(1_500);
    expect(await claimed(c.id)).toBe(claimedAtPause);
    // What was claimed before the pause still goes out (on a loaded machine, maybe after the sleep).
    await eventually(async () => sendsTo(inst.name) === claimedAtPause, 10_000);
    expect(sendsTo(inst.name)).toBe(claimedAtPause);
    const mid = await getCampaign(c.id);
    expect(mid).toMatchObject({ status: "paused", pause_reason: "Paused by a user" });
    expect(mid.sent).toBeLessThan(20);

    expect((await control(c.id, "resume")).status).toBe(200);
    const done = await waitForStatus(c.id, ["completed"], 30_000);
    expect(done).toMatchObject({ sent: 20, failed: 0, pending: 0 });
    const numbers = sim.sends(inst.name).map((s) => (s.body as { number: string }).number);
    expect(new Set(numbers).size).toBe(20);
    expect(numbers).toHaveLength(20);
  });

  it("cancel mid-way: the rest are skipped and counted, counters exact", { timeout: 60_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    await seedContacts(20, t);
    const c = await createCampaign({
      name: "Cancellable",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Hi" },
      pacing: { per_minute: 600, jitter_pct: 0 },
    });
    await control(c.id, "start");
    await eventually(async () => (await getCampaign(c.id)).sent >= 3, 15_000);
    expect((await control(c.id, "cancel")).status).toBe(200);
    const end = await eventually(async () => {
      const x = await getCampaign(c.id);
      return x.pending === 0 ? x : undefined;
    }, 10_000);
    expect(end.status).toBe("cancelled");
    expect(end.skipped).toBeGreaterThan(0);
    expect(end.sent + end.failed + end.skipped).toBe(20);
    // Sent rows move on to delivered/read as receipts arrive; they still count as sent.
    const rows = await countsFromRows(c.id);
    const sentRows = (rows.sent ?? 0) + (rows.delivered ?? 0) + (rows.read ?? 0) + (rows.replied ?? 0);
    expect({ sent: sentRows, skipped: rows.skipped }).toEqual({ sent: end.sent, skipped: end.skipped });
    await sleep(800);
    expect(sendsTo(inst.name)).toBe(end.sent);
    expect((await control(c.id, "resume")).status).toBe(409);
  });

  it("a redelivered queue batch of already-sent recipients sends nothing", { timeout: 60_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    const people = await seedContacts(5, t);
    const c = await createCampaign({ name: "Once", target_tags: [t], instance_id: inst.id, message: { content: "Once only" }, pacing: { per_minute: 0 } });
    await control(c.id, "start");
    await waitForStatus(c.id, ["completed"]);
    const before = sim.sends(inst.name).length;

    const { results: rows } = await env.DB.prepare("SELECT id FROM outbox WHERE campaign_id = ?").bind(c.id).all<{ id: string }>();
    expect(rows).toHaveLength(people.length);
    const bodies = rows.map((r) => ({ outboxId: r.id }));
    const batch = createMessageBatch(
      "parley-campaign-sends",
      bodies.map((body, i) => ({ id: `redeliver-${i}`, timestamp: new Date(), attempts: 2, body })),
    );
    const ctx = createExecutionContext();
    await handleQueue(batch, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.ackAll).toBe(true);
    expect(result.retryMessages).toHaveLength(0);
    expect(sim.sends(inst.name).length).toBe(before);
    expect(await getCampaign(c.id)).toMatchObject({ status: "completed", sent: 5, pending: 0 });
  });

  it("the instance disconnecting pauses its running campaign with the reason", { timeout: 60_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    await seedContacts(30, t);
    const c = await createCampaign({
      name: "Dropped",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Hi" },
      pacing: { per_minute: 300, jitter_pct: 0 },
    });
    await control(c.id, "start");
    await eventually(async () => (await getCampaign(c.id)).sent >= 2, 15_000);
    await sim.disconnect(inst.name, 401);
    const paused = await waitForStatus(c.id, ["paused"], 15_000);
    expect(paused.pause_reason).toMatch(/not connected/i);
    expect(paused.sent + paused.failed + paused.skipped + paused.pending).toBe(30);
  });
});

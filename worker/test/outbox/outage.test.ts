// An Evolution outage mid-campaign (connections refused for 8 s, every route): the instance's
// breaker opens, the campaign pauses itself with the reason, the probe finds Evolution back and
// resumes it — every recipient sent exactly once, none failed. A user's pause outlives recovery.
import { env } from "cloudflare:workers";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { CampaignDetail } from "../../shared/campaigns";
import { control, createCampaign, getCampaign, openInstance, seedContacts, settle, tag, waitForStatus } from "../campaigns/fixtures";
import { eventually } from "../helpers";
import { installSimulator } from "../simulator-harness";

const { sim, restore } = installSimulator();
afterEach(() => sim.setFault({ mode: "none" }));
afterAll(async () => {
  await settle(sim);
  restore();
});

const breakerOf = (instanceId: string) =>
  env.DB.prepare("SELECT breaker_open_since, breaker_error FROM instances WHERE id = ?")
    .bind(instanceId)
    .first<{ breaker_open_since: number | null; breaker_error: string | null }>();

describe("an 8 s Evolution outage during a 200-recipient campaign", () => {
  it("ends with all 200 sent once, 0 failed; the campaign paused itself and resumed by itself", { timeout: 120_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    const people = await seedContacts(200, t);
    const c = await createCampaign({
      name: "Outage",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Oi {{first_name}}" },
      pacing: { per_minute: 600, jitter_pct: 0 },
    });
    expect((await control(c.id, "start")).status).toBe(200);
    await eventually(async () => (await getCampaign(c.id)).sent >= 30, 30_000);
    sim.setFault({ mode: "refuse", scope: "all", forMs: 8000 });
    const paused = await waitForStatus(c.id, ["paused"], 20_000);
    expect(paused.pause_reason).toMatch(/Evolution unreachable since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
    expect((await breakerOf(inst.id))?.breaker_open_since).toBeGreaterThan(0);
    const seen: CampaignDetail[] = [];
    const done = await eventually(async () => {
      const v = await getCampaign(c.id);
      seen.push(v);
      expect(v.sent + v.failed + v.skipped + v.pending).toBe(v.contact_count);
      return v.status === "completed" ? v : null;
    }, 90_000);
    expect(done).toMatchObject({ contact_count: 200, sent: 200, failed: 0, skipped: 0, pending: 0 });
    expect(seen.some((v) => v.status === "in_progress")).toBe(true);
    expect((await breakerOf(inst.id))?.breaker_open_since).toBeNull();
    await settle(sim, 500);
    const numbers = sim.accepted(inst.name).map((s) => s.number);
    expect(numbers).toHaveLength(200);
    expect(new Set(numbers)).toEqual(new Set(people.map((p) => p.digits)));
  });

  it("a campaign the user paused during the outage stays paused after Evolution is back", { timeout: 90_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    await seedContacts(60, t);
    const c = await createCampaign({
      name: "Held",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Oi" },
      pacing: { per_minute: 600, jitter_pct: 0 },
    });
    await control(c.id, "start");
    await eventually(async () => (await getCampaign(c.id)).sent >= 5, 20_000);
    sim.setFault({ mode: "refuse", scope: "all", forMs: 4000 });
    await waitForStatus(c.id, ["paused"], 20_000);
    expect((await control(c.id, "pause")).status).toBe(200);
    // Evolution comes back and the breaker closes…
    await eventually(async () => (await breakerOf(inst.id))?.breaker_open_since === null, 40_000);
    const sentAtRecovery = (await getCampaign(c.id)).sent;
    await new Promise((r) => setTimeout(r, 2500));
    // …but the user's pause stands: nothing more went out.
    const after = await getCampaign(c.id);
    expect(after).toMatchObject({ status: "paused", pause_reason: "Paused by a user" });
    expect(after.sent).toBe(sentAtRecovery);
    expect((await control(c.id, "resume")).status).toBe(200);
    const done = await waitForStatus(c.id, ["completed"], 40_000);
    expect(done).toMatchObject({ sent: 60, failed: 0 });
    expect(new Set(sim.accepted(inst.name).map((s) => s.number)).size).toBe(sim.accepted(inst.name).length);
  });
});

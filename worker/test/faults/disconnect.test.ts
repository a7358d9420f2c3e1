// The sending number drops mid-campaign: the campaign pauses itself with the reason, nothing is
// lost (unsent recipients stay pending, counters exact), and after the number is reconnected a
// resume finishes the campaign with every recipient sent exactly once.
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { control, countsFromRows, createCampaign, getCampaign, openInstance, seedContacts, settle, tag, waitForStatus } from "../campaigns/fixtures";
import { api, eventually } from "../helpers";
import { installSimulator } from "../simulator-harness";

const { sim, restore } = installSimulator();
afterAll(async () => {
  await settle(sim);
  restore();
});

const instanceStatus = async (id: string) => (await env.DB.prepare("SELECT status FROM instances WHERE id = ?").bind(id).first<{ status: string }>())?.status;

describe("campaign auto-paused when its instance disconnects", () => {
  it("pauses with the reason, keeps the rest pending, and resumes after reconnect with no duplicate sends", { timeout: 60_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    const people = await seedContacts(24, t);
    // 300/min = a slot every 200 ms: slow enough to drop the number mid-way.
    const c = await createCampaign({
      name: "Dropped line",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Oi {{first_name}}" },
      pacing: { per_minute: 300, jitter_pct: 0 },
    });
    expect((await control(c.id, "start")).status).toBe(200);
    await eventually(async () => (await getCampaign(c.id)).sent >= 3, 15_000);

    await sim.disconnect(inst.name, 401);
    const paused = await waitForStatus(c.id, ["paused"], 15_000);
    expect(paused.pause_reason).toMatch(/not connected/i);
    expect(await instanceStatus(inst.id)).toBe("closed");

    // Settled: whatever was in flight has landed; nothing more goes out while paused.
    await new Promise((r) => setTimeout(r, 1000));
    const mid = await getCampaign(c.id);
    expect(mid.status).toBe("paused");
    expect(mid.failed).toBe(0);
    expect(mid.sent + mid.pending).toBe(24);
    expect(mid.pending).toBeGreaterThan(0);
    const rows = await countsFromRows(c.id);
    expect(rows.pending).toBe(mid.pending);
    const sentBefore = sim.sends(inst.name).filter((s) => s.status === 201).length;
    expect(sentBefore).toBe(mid.sent);

    // Reconnect: a new QR from Evolution, the phone scans it; then resume.
    const connect = await api(`/api/instances/${inst.id}/connect`, { method: "POST", json: {} });
    expect(connect.status).toBeLessThan(300);
    sim.scan(inst.name);
    await eventually(async () => (await instanceStatus(inst.id)) === "open", 10_000);

    expect((await control(c.id, "resume")).status).toBe(200);
    const done = await waitForStatus(c.id, ["completed"], 40_000);
    expect(done).toMatchObject({ contact_count: 24, sent: 24, failed: 0, pending: 0 });
    const numbers = sim
      .sends(inst.name)
      .filter((s) => s.status === 201)
      .map((s) => (s.body as { number: string }).number);
    expect(numbers).toHaveLength(24);
    expect(new Set(numbers)).toEqual(new Set(people.map((p) => p.digits)));
  });
});

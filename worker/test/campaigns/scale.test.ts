import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it, vi } from "vitest";
import { installSimulator } from "../simulator-harness";
import { control, countsFromRows, createCampaign, getCampaign, openInstance, seedContacts, settle, tag, waitForStatus } from "./fixtures";

const { sim, restore } = installSimulator();
afterAll(async () => {
  await settle(sim);
  restore();
});

// Every 10th send to Evolution fails with a 500 (the simulator's fail-sends control, armed
// right before the request reaches it): exactly 10% of 1,000.
function failEveryTenth(instanceName: string) {
  const spy = vi.mocked(globalThis.fetch);
  const inner = spy.getMockImplementation();
  if (!inner) throw new Error("simulator fetch spy missing");
  let n = 0;
  spy.mockImplementation(async (input, init) => {
    const url = new Request(input, init).url;
    if (url.includes("/message/send") && ++n % 10 === 0) sim.failNextSends(instanceName, 1, 500, "Simulated outage");
    return inner(input, init);
  });
  return () => spy.mockImplementation(inner);
}

describe("1,000 recipients while the simulator fails 10% of sends", () => {
  it("sent + failed = 1,000, no number twice, failures carry the error, counters exact", { timeout: 120_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    await seedContacts(1000, t);
    const undo = failEveryTenth(inst.name);
    try {
      const campaign = await createCampaign({
        name: "Big",
        target_tags: [t],
        instance_id: inst.id,
        message: { content: "Hello {{first_name}}" },
        pacing: { per_minute: 0 },
      });
      expect((await control(campaign.id, "start")).status).toBe(200);
      // The invariant holds while the campaign runs, not only at the end.
      let samples = 0;
      for (;;) {
        const c = await getCampaign(campaign.id);
        expect(c.sent + c.failed + c.skipped + c.pending).toBe(c.contact_count);
        samples++;
        if (c.status === "completed") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const done = await waitForStatus(campaign.id, ["completed"]);
      expect(samples).toBeGreaterThan(1);
      expect(done.contact_count).toBe(1000);
      expect(done.sent + done.failed).toBe(1000);
      expect(done.failed).toBe(100);
      expect(done.pending).toBe(0);
      expect(await countsFromRows(campaign.id)).toEqual({ sent: 900, failed: 100 });

      const sends = sim.sends(inst.name);
      const numbers = sends.map((s) => (s.body as { number: string }).number);
      expect(numbers).toHaveLength(1000);
      expect(new Set(numbers).size).toBe(1000);

      const failed = await env.DB.prepare("SELECT error, attempts FROM campaign_recipients WHERE campaign_id = ? AND status = 'failed'")
        .bind(campaign.id)
        .all<{ error: string; attempts: number }>();
      expect(failed.results).toHaveLength(100);
      for (const f of failed.results) {
        expect(f.error).toMatch(/500.*Simulated outage/);
        expect(f.attempts).toBe(1);
      }
    } finally {
      undo();
    }
  });
});

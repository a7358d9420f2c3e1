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
// right before the request reaches it): about 10% of the attempts.
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
  it("all 1,000 sent, each number exactly once, none failed; counters exact throughout", { timeout: 120_000 }, async () => {
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
      // A 500 proves nothing left: each failed send was checked with Evolution and sent again.
      expect(done).toMatchObject({ contact_count: 1000, sent: 1000, failed: 0, pending: 0 });
      // Receipts move recipients on (delivered, read); none is failed, pending or skipped.
      const rows = await countsFromRows(campaign.id);
      expect((rows.sent ?? 0) + (rows.delivered ?? 0) + (rows.read ?? 0)).toBe(1000);

      // About one in ten was refused (sends run concurrently, so an armed failure can be re-armed
      // before a send takes it: not exactly 100).
      const refused = sim.sends(inst.name).filter((s) => s.status === 500);
      expect(refused.length).toBeGreaterThan(50);
      const numbers = sim.accepted(inst.name).map((s) => s.number);
      expect(numbers).toHaveLength(1000);
      expect(new Set(numbers).size).toBe(1000);
      const retried = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE campaign_id = ? AND attempts > 1").bind(campaign.id).first<{ n: number }>();
      // Exactly the recipients that met a 500 (some twice) needed more than one attempt.
      const refusedNumbers = new Set(refused.map((s) => (s.body as { number: string }).number));
      expect(retried?.n).toBe(refusedNumbers.size);
    } finally {
      undo();
    }
  });
});

// One consumer batch to many chats records its outcomes in waves while the rest is still
// sending (send.queue.ts): every send is on record by the time the batch returns — none left
// `sending` for the sweeper (which never runs here), counters exact.
import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { control, createCampaign, openInstance, seedContacts, settle, tag, waitForStatus } from "../campaigns/fixtures";
import { installSimulator } from "../simulator-harness";

const { sim, restore } = installSimulator();
afterAll(async () => {
  await settle(sim);
  restore();
});

describe("60 unpaced campaign sends, a consumer batch or two", () => {
  it("are all recorded by their batches: 60 sent, nothing left sending", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    await seedContacts(60, t);
    const c = await createCampaign({ name: "Waves", target_tags: [t], instance_id: inst.id, message: { content: "Hi {{name}}" }, pacing: { per_minute: 0 } });
    expect((await control(c.id, "start")).status).toBe(200);
    const done = await waitForStatus(c.id, ["completed"]);
    expect(done).toMatchObject({ contact_count: 60, sent: 60, failed: 0, pending: 0 });
    const left = await env.DB.prepare("SELECT count(*) AS n FROM outbox WHERE campaign_id = ? AND state IN ('queued', 'sending')")
      .bind(c.id)
      .first<{ n: number }>();
    expect(left?.n).toBe(0);
    const numbers = sim.accepted(inst.name).map((s) => s.number);
    expect(new Set(numbers).size).toBe(60);
    expect(numbers).toHaveLength(60);
  });
});

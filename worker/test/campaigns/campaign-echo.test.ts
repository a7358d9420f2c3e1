import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterAll, describe, expect, it, vi } from "vitest";
import { createEvolutionSimulator } from "../../../simulator";
import { eventually } from "../helpers";
import { control, createCampaign, openInstance, seedContacts, settle, tag, waitForStatus } from "./fixtures";

// Evolution emits send.message without waiting (EVOLUTION.md §3.7): here each send's HTTP answer
// reaches the campaign consumer 300 ms after its echo reached the webhook.
const sim = createEvolutionSimulator({
  apiKey: env.EVOLUTION_API_KEY,
  deliver: (url, init) => exports.default.fetch(new Request(url, init)),
  qrRefreshMs: 0,
  retryDelaysMs: [20, 50],
  ackDelaysMs: [5, 5, 5],
  log: () => undefined,
});
const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
  const req = new Request(input, init);
  const url = new URL(req.url);
  if (url.origin !== new URL(env.EVOLUTION_URL).origin) throw new Error(`unexpected fetch ${req.url}`);
  const res = await sim.app.fetch(req);
  if (url.pathname.startsWith("/message/send")) await new Promise((r) => setTimeout(r, 300));
  return res;
});
afterAll(async () => {
  await settle(sim);
  spy.mockRestore();
});

describe("a campaign send's echo arriving before the send is recorded", () => {
  it("waits for the campaign's message: each stored once, sender campaign, no agent paused", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    await seedContacts(6, t);
    const campaign = await createCampaign({
      name: "Promo",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Oferta {{name}}" },
      pacing: { per_minute: 0 },
    });
    expect((await control(campaign.id, "start")).status).toBe(200);
    await waitForStatus(campaign.id, ["completed"]);
    // The held echoes are looked at again by the instance's alarm.
    const unsettled = () =>
      env.DB.prepare("SELECT count(*) AS n FROM webhook_events WHERE instance_id = ? AND event = 'send.message' AND status = 'received'")
        .bind(inst.id)
        .first<{ n: number }>();
    await eventually(async () => {
      if ((await unsettled())?.n === 0) return true;
      await runDurableObjectAlarm(env.WA_INSTANCE.getByName(inst.id));
      return false;
    }, 10_000);
    const events = await env.DB.prepare("SELECT status, error FROM webhook_events WHERE instance_id = ? AND event = 'send.message'")
      .bind(inst.id)
      .all<{ status: string; error: string | null }>();
    expect(events.results).toEqual(Array(6).fill({ status: "ignored", error: "echo of a message already stored" }));
    const { results } = await env.DB.prepare(
      "SELECT m.sender, cv.agent_paused FROM messages m JOIN conversations cv ON cv.id = m.conversation_id WHERE m.instance_id = ? AND m.from_me = 1",
    )
      .bind(inst.id)
      .all<{ sender: string; agent_paused: number }>();
    expect(results.map((r) => `${r.sender}/paused=${r.agent_paused}`)).toEqual(Array(6).fill("campaign/paused=0"));
  });
});

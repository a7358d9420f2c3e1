// Evolution down, slow beyond the client timeout, or failing: dashboard sends are retried (only
// when that cannot duplicate a message) and end `failed` with the reason; campaign sends fail
// their recipient with the reason, are never sent twice, and the counters stay exact.
import { env } from "cloudflare:workers";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { MessageView } from "../../shared/inbox";
import { control, countsFromRows, createCampaign, openInstance, seedContacts, settle, tag, waitForStatus } from "../campaigns/fixtures";
import { api, eventually, jsonOf } from "../helpers";
import { installFaultySimulator, setEvolutionTimeout } from "./fault-harness";

const faulty = installFaultySimulator();
const { sim } = faulty;
afterEach(() => {
  faulty.set("none");
  setEvolutionTimeout(undefined);
  sim.setNetwork({ hold: false });
});
afterAll(async () => {
  await settle(sim);
  faulty.restore();
});

const newNumber = () => `+55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;

async function conversation(instanceId: string) {
  const contact = await jsonOf<{ id: string }>(await api("/api/contacts", { method: "POST", json: { whatsapp_number: newNumber(), name: "Dora Faults" } }));
  const res = await api("/api/conversations", { method: "POST", json: { contact_id: contact.id, instance_id: instanceId } });
  expect(res.status).toBe(201);
  return jsonOf<{ id: string }>(res);
}

const messageOf = async (convId: string, id: string) =>
  (await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${convId}/messages`))).items.find((m) => m.id === id);

async function post(convId: string, content: string): Promise<MessageView> {
  const res = await api(`/api/conversations/${convId}/messages`, { method: "POST", json: { type: "text", content } });
  // Nothing is thrown at the user: the message is accepted and sent off the request.
  expect(res.status).toBe(202);
  return jsonOf<MessageView>(res);
}

const finalStatus = (convId: string, id: string, timeoutMs = 15_000) =>
  eventually(async () => {
    const m = await messageOf(convId, id);
    return m && m.status !== "pending" ? m : null;
  }, timeoutMs);

describe("Evolution down (network error before any answer)", () => {
  it("a dashboard send is retried 3 times, then failed with the reason; nothing reached Evolution", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const conv = await conversation(inst.id);
    faulty.set("down");
    const m = await post(conv.id, "está aí?");
    const done = await finalStatus(conv.id, m.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/sendText.*failed: Network connection lost.*after 3 attempts/);
    expect(faulty.attempts(inst.name)).toBe(3);
    expect(sim.sends(inst.name)).toHaveLength(0);
    // Back up: the user's retry sends it, once.
    faulty.set("none");
    expect((await api(`/api/conversations/${conv.id}/messages/${m.id}/retry`, { method: "POST" })).status).toBe(202);
    await eventually(async () => ["sent", "delivered", "read"].includes((await messageOf(conv.id, m.id))?.status ?? ""), 10_000);
    expect(sim.sends(inst.name)).toHaveLength(1);
  });

  it("a campaign fails each recipient with the reason, exactly one attempt each, counters exact", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    const people = await seedContacts(4, t);
    const c = await createCampaign({
      name: "Down",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Oi {{first_name}}" },
      pacing: { per_minute: 0 },
    });
    faulty.set("down");
    expect((await control(c.id, "start")).status).toBe(200);
    const done = await waitForStatus(c.id, ["completed"]);
    expect(done).toMatchObject({ contact_count: 4, sent: 0, failed: 4, pending: 0 });
    expect(await countsFromRows(c.id)).toEqual({ failed: 4 });
    const rows = await env.DB.prepare("SELECT contact_id, error, attempts FROM campaign_recipients WHERE campaign_id = ?")
      .bind(c.id)
      .all<{ contact_id: string; error: string; attempts: number }>();
    for (const r of rows.results) {
      expect(r.error).toMatch(/sendText.*failed: Network connection lost/);
      expect(r.attempts).toBe(1);
    }
    // One attempt per recipient, none repeated: at most once.
    expect(faulty.attempts(inst.name)).toBe(people.length);
    faulty.set("none");
    await new Promise((r) => setTimeout(r, 500));
    expect(sim.sends(inst.name)).toHaveLength(0);
  });
});

describe("Evolution slow beyond the client timeout", () => {
  it("a dashboard send that hangs times out once, is not retried, and ends failed with the reason", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const conv = await conversation(inst.id);
    setEvolutionTimeout(250);
    faulty.set("slow");
    const m = await post(conv.id, "demorou");
    const done = await finalStatus(conv.id, m.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/sendText.*timed out after 250 ms.*may still have been delivered/);
    await new Promise((r) => setTimeout(r, 1500)); // a retry would have come after 1 s
    expect(faulty.attempts(inst.name)).toBe(1);
    expect(sim.sends(inst.name)).toHaveLength(0);
  });

  it("a send Evolution performed but answered too late: failed, never re-sent; its echo later reconciles it as sent", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const conv = await conversation(inst.id);
    setEvolutionTimeout(250);
    sim.setNetwork({ hold: true }); // Evolution's webhooks (echo, acks) wait too
    faulty.set("slow-after");
    const m = await post(conv.id, "chegou?");
    const done = await finalStatus(conv.id, m.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/timed out after 250 ms.*may still have been delivered/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(faulty.attempts(inst.name)).toBe(1);
    expect(sim.sends(inst.name)).toHaveLength(1);
    // The held send.message echo and acks arrive: the same message moves on, nothing is duplicated.
    faulty.set("none");
    sim.setNetwork({ hold: false });
    sim.release("fifo");
    const sent = await eventually(async () => {
      const cur = await messageOf(conv.id, m.id);
      return cur && cur.status !== "failed" ? cur : null;
    }, 10_000);
    expect(["sent", "delivered", "read"]).toContain(sent.status);
    expect(sent.external_id).toBe(sim.sends(inst.name)[0]?.keyId);
    const all = await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${conv.id}/messages`));
    expect(all.items.filter((x) => x.content === "chegou?")).toHaveLength(1);
    expect(sim.sends(inst.name)).toHaveLength(1);
  });

  it("a campaign send that times out fails its recipient once and is never sent again", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    await seedContacts(3, t);
    const c = await createCampaign({ name: "Slow", target_tags: [t], instance_id: inst.id, message: { content: "Oi" }, pacing: { per_minute: 0 } });
    setEvolutionTimeout(250);
    faulty.set("slow");
    await control(c.id, "start");
    const done = await waitForStatus(c.id, ["completed"]);
    expect(done).toMatchObject({ sent: 0, failed: 3, pending: 0 });
    const errors = await env.DB.prepare("SELECT error FROM campaign_recipients WHERE campaign_id = ?").bind(c.id).all<{ error: string }>();
    for (const r of errors.results) expect(r.error).toMatch(/timed out after 250 ms/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(faulty.attempts(inst.name)).toBe(3);
  });
});

describe("Evolution failing (5xx answers)", () => {
  it("a dashboard send is retried and ends failed with Evolution's reason after 3 attempts", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const conv = await conversation(inst.id);
    sim.failNextSends(inst.name, 3, 502, "Bad gateway upstream");
    const m = await post(conv.id, "falhou");
    const done = await finalStatus(conv.id, m.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/502.*Bad gateway upstream.*after 3 attempts/);
    expect(sim.sends(inst.name).map((s) => s.status)).toEqual([502, 502, 502]);
  });

  it("a campaign with some sends failing: failed recipients carry the reason, sent + failed = contact_count, one send each", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    const people = await seedContacts(6, t);
    const c = await createCampaign({
      name: "Flaky",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Oi {{first_name}}" },
      pacing: { per_minute: 0 },
    });
    sim.failNextSends(inst.name, 2, 500, "Internal error in Baileys");
    await control(c.id, "start");
    const done = await waitForStatus(c.id, ["completed"]);
    expect(done).toMatchObject({ contact_count: 6, sent: 4, failed: 2, pending: 0 });
    const rows = await countsFromRows(c.id);
    const sentRows = (rows.sent ?? 0) + (rows.delivered ?? 0) + (rows.read ?? 0);
    expect({ sent: sentRows, failed: rows.failed }).toEqual({ sent: 4, failed: 2 });
    const failed = await env.DB.prepare("SELECT error FROM campaign_recipients WHERE campaign_id = ? AND status = 'failed'")
      .bind(c.id)
      .all<{ error: string }>();
    for (const r of failed.results) expect(r.error).toMatch(/500.*Internal error in Baileys/);
    const sends = sim.sends(inst.name);
    expect(sends).toHaveLength(6);
    expect(new Set(sends.map((s) => (s.body as { number: string }).number)).size).toBe(people.length);
  });
});

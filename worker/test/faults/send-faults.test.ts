// Evolution down, slow beyond the client timeout, or failing with 5xx: nothing is lost and
// nothing is sent twice. A send whose attempt proves nothing (no answer, a timeout, a 5xx) is
// retried with backoff after asking Evolution whether it went out; only an error that proves
// nothing left (Evolution's 400s) or the retry horizon ends it failed, with the reason and a retry.
import { env } from "cloudflare:workers";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { MessageView } from "../../shared/inbox";
import { control, createCampaign, openInstance, seedContacts, settle, tag, waitForStatus } from "../campaigns/fixtures";
import { api, eventually, jsonOf } from "../helpers";
import { installFaultySimulator, setEvolutionTimeout, setRetryHorizon } from "./fault-harness";

const faulty = installFaultySimulator();
const { sim } = faulty;
afterEach(() => {
  faulty.set("none");
  sim.setFault({ mode: "none" });
  setEvolutionTimeout(undefined);
  setRetryHorizon(undefined);
  sim.setNetwork({ hold: false });
});
afterAll(async () => {
  await settle(sim);
  faulty.restore();
});

const newDigits = () => `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;

async function conversation(instanceId: string, digits = newDigits()) {
  const contact = await jsonOf<{ id: string }>(await api("/api/contacts", { method: "POST", json: { whatsapp_number: `+${digits}`, name: "Dora Faults" } }));
  const res = await api("/api/conversations", { method: "POST", json: { contact_id: contact.id, instance_id: instanceId } });
  expect(res.status).toBe(201);
  return { ...(await jsonOf<{ id: string }>(res)), digits };
}

const messageOf = async (convId: string, id: string) =>
  (await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${convId}/messages`))).items.find((m) => m.id === id);

async function post(convId: string, content: string): Promise<MessageView> {
  const res = await api(`/api/conversations/${convId}/messages`, { method: "POST", json: { type: "text", content } });
  // Nothing is thrown at the user: the message is accepted and sent off the request.
  expect(res.status).toBe(202);
  return jsonOf<MessageView>(res);
}

const finalStatus = (convId: string, id: string, timeoutMs = 20_000) =>
  eventually(async () => {
    const m = await messageOf(convId, id);
    return m && m.status !== "pending" ? m : null;
  }, timeoutMs);

const phoneGot = (name: string, digits: string) => sim.accepted(name).filter((s) => s.number === digits);

describe("Evolution down (connections refused)", () => {
  it("a dashboard send waits while Evolution is down and goes out once when it is back; it never shows failed", { timeout: 40_000 }, async () => {
    const inst = await openInstance(sim);
    const conv = await conversation(inst.id);
    sim.setFault({ mode: "refuse", scope: "all", forMs: 3000 });
    const m = await post(conv.id, "está aí?");
    await new Promise((r) => setTimeout(r, 1500));
    expect((await messageOf(conv.id, m.id))?.status).toBe("pending");
    const done = await finalStatus(conv.id, m.id, 30_000);
    expect(["sent", "delivered", "read"]).toContain(done.status);
    expect(phoneGot(inst.name, conv.digits)).toHaveLength(1);
    expect(sim.faultLog().filter((h) => h.path === `/message/sendText/${inst.name}`).length).toBeGreaterThanOrEqual(1);
  });

  it("past the retry horizon it fails with the reason; the user's retry sends it once", { timeout: 40_000 }, async () => {
    const inst = await openInstance(sim);
    const conv = await conversation(inst.id);
    setRetryHorizon(2500);
    faulty.set("down");
    const m = await post(conv.id, "sem servidor");
    const done = await finalStatus(conv.id, m.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/sendText.*Network connection lost|Evolution unreachable/);
    expect(done.error).toMatch(/gave up after \d+ attempts|not sent in time/);
    expect(sim.sends(inst.name)).toHaveLength(0);
    faulty.set("none");
    setRetryHorizon(undefined);
    expect((await api(`/api/conversations/${conv.id}/messages/${m.id}/retry`, { method: "POST" })).status).toBe(202);
    await eventually(async () => ["sent", "delivered", "read"].includes((await messageOf(conv.id, m.id))?.status ?? ""), 20_000);
    expect(phoneGot(inst.name, conv.digits)).toHaveLength(1);
  });
});

describe("Evolution slow beyond the client timeout", () => {
  it("a send that hangs unprocessed is tried again after checking with Evolution, and goes out once", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const conv = await conversation(inst.id);
    setEvolutionTimeout(250);
    sim.setFault({ mode: "hang", scope: "send", count: 2 });
    const m = await post(conv.id, "demorou");
    const done = await finalStatus(conv.id, m.id);
    expect(["sent", "delivered", "read"]).toContain(done.status);
    expect(sim.fault().hits).toBe(2);
    expect(phoneGot(inst.name, conv.digits)).toHaveLength(1);
  });

  it("a send Evolution performed but answered too late: found by Evolution's message lookup, never re-sent", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const conv = await conversation(inst.id);
    setEvolutionTimeout(250);
    sim.setNetwork({ hold: true }); // Evolution's webhooks (echo, acks) wait: the lookup alone must tell
    faulty.set("slow-after");
    const m = await post(conv.id, "chegou?");
    await eventually(async () => faulty.attempts(inst.name) === 1);
    faulty.set("none");
    const sent = await finalStatus(conv.id, m.id);
    expect(sent.status).toBe("sent");
    expect(sent.external_id).toBe(sim.sends(inst.name)[0]?.keyId);
    expect(sim.sends(inst.name)).toHaveLength(1);
    // The held echo and acks arrive: the same message moves on, nothing is duplicated.
    sim.setNetwork({ hold: false });
    sim.release("fifo");
    await eventually(async () => ["delivered", "read"].includes((await messageOf(conv.id, m.id))?.status ?? ""), 10_000);
    const all = await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${conv.id}/messages`));
    expect(all.items.filter((x) => x.content === "chegou?")).toHaveLength(1);
    expect(sim.sends(inst.name)).toHaveLength(1);
  });

  it("a campaign whose sends time out: every recipient sent once, none failed", { timeout: 40_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    const people = await seedContacts(3, t);
    const c = await createCampaign({ name: "Slow", target_tags: [t], instance_id: inst.id, message: { content: "Oi" }, pacing: { per_minute: 0 } });
    setEvolutionTimeout(250);
    sim.setFault({ mode: "accept-hang", scope: "send", count: 3 });
    await control(c.id, "start");
    const done = await waitForStatus(c.id, ["completed"], 30_000);
    expect(done).toMatchObject({ sent: 3, failed: 0, pending: 0 });
    for (const p of people) expect(phoneGot(inst.name, p.digits)).toHaveLength(1);
  });
});

describe("Evolution failing (5xx answers, or a final 400)", () => {
  it("a dashboard send answered 502 three times goes out on the fourth attempt", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const conv = await conversation(inst.id);
    sim.failNextSends(inst.name, 3, 502, "Bad gateway upstream");
    const m = await post(conv.id, "falhou");
    const done = await finalStatus(conv.id, m.id);
    expect(["sent", "delivered", "read"]).toContain(done.status);
    expect(sim.sends(inst.name).map((s) => s.status)).toEqual([502, 502, 502, 201]);
  });

  it("a campaign with some sends failing 5xx: all sent once, none failed, counters exact", { timeout: 30_000 }, async () => {
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
    const done = await waitForStatus(c.id, ["completed"], 20_000);
    expect(done).toMatchObject({ contact_count: 6, sent: 6, failed: 0, pending: 0 });
    for (const p of people) expect(phoneGot(inst.name, p.digits)).toHaveLength(1);
  });

  it("a number not on WhatsApp fails at once with Evolution's reason, one attempt, no retry", { timeout: 20_000 }, async () => {
    const inst = await openInstance(sim);
    const conv = await conversation(inst.id);
    sim.markUnregistered([conv.digits]);
    const m = await post(conv.id, "alô");
    const done = await finalStatus(conv.id, m.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatch(/not on WhatsApp/);
    await new Promise((r) => setTimeout(r, 1500));
    expect(sim.sends(inst.name)).toHaveLength(1);
    const row = await env.DB.prepare("SELECT state, retryable FROM outbox WHERE message_id = ?").bind(m.id).first();
    expect(row).toEqual({ state: "failed", retryable: 0 });
  });
});

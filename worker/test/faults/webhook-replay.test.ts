// A delivery whose processing throws is kept in webhook_events (failed, with the error) and is
// processed later by POST /api/webhook-events/replay — exactly once, however often it is
// replayed or redelivered. GET /api/webhook-events lists what is waiting.

import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { api, deliver, envelope, eventually, jsonOf, seedInstance } from "../helpers";
import { keyId, messagesByExternal, phone, upsert } from "../inbox/fixtures";

type EventView = { id: string; instance_id: string; event: string; status: string; error: string | null; payload: { data?: { key?: { id?: string } } } };
type Report = { replayed: number; processed: number; held: number; still_failed: number };

afterEach(() => vi.restoreAllMocks());

const eventRow = (id: string) =>
  env.DB.prepare("SELECT status, error, processed_at FROM webhook_events WHERE id = ?")
    .bind(id)
    .first<{ status: string; error: string | null; processed_at: number | null }>();
const replay = async (json: unknown) => {
  const res = await api("/api/webhook-events/replay", { method: "POST", json });
  expect(res.status).toBe(200);
  return jsonOf<Report>(res);
};

/**
 * While `on`, D1 refuses the batches that match — by default those that store a message (the
 * instance's DO writes each message in one batch); `() => true` is a whole D1 outage.
 */
function breakD1Batches(match: (sql: string) => boolean = (sql) => /insert into "messages"/i.test(sql)) {
  const real = env.DB.batch.bind(env.DB);
  let on = true;
  vi.spyOn(env.DB, "batch").mockImplementation(async (stmts) => {
    if (on && stmts.some((s) => match((s as unknown as { statement: string }).statement))) throw new Error("D1_ERROR: simulated storage outage");
    return real(stmts);
  });
  return () => (on = false);
}

describe("a webhook delivery whose processing throws", () => {
  it("stays failed with the error, is listed, and a replay processes it exactly once", { timeout: 20_000 }, async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    const heal = breakD1Batches();
    const res = await deliver(
      inst,
      envelope(inst.name, "messages.upsert", upsert({ from, id, pushName: "Lia Faults", message: { conversation: "Vocês abrem sábado?" } })),
    );
    // Evolution is answered at once: the delivery is recorded before it is processed.
    expect(res.status).toBe(200);
    const { id: eventId } = await jsonOf<{ id: string }>(res);
    const failed = await eventually(async () => {
      const r = await eventRow(eventId);
      return r?.status === "failed" ? r : null;
    });
    expect(failed.error).toMatch(/simulated storage outage/);
    expect(await messagesByExternal(inst.id, id)).toHaveLength(0);

    const listed = await jsonOf<{ items: EventView[]; next_cursor: string | null }>(await api(`/api/webhook-events?status=failed&instance_id=${inst.id}`));
    expect(listed.items.map((e) => e.id)).toEqual([eventId]);
    expect(listed.items[0]).toMatchObject({ event: "messages.upsert", status: "failed", instance_id: inst.id });
    expect(listed.items[0]?.payload.data?.key?.id).toBe(id);

    // Still broken: the replay reports it as still failed and nothing is half-written.
    expect(await replay({ instance_id: inst.id })).toEqual({ replayed: 1, processed: 0, held: 0, still_failed: 1 });
    expect(await messagesByExternal(inst.id, id)).toHaveLength(0);

    heal();
    expect(await replay({ instance_id: inst.id })).toEqual({ replayed: 1, processed: 1, held: 0, still_failed: 0 });
    const stored = await messagesByExternal(inst.id, id);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ content: "Vocês abrem sábado?", from_me: 0, sender: "contact" });
    expect(await eventRow(eventId)).toMatchObject({ status: "processed", error: null });
    expect((await eventRow(eventId))?.processed_at).toBeGreaterThan(0);

    // Nothing left to replay; a late Evolution retry of the same delivery changes nothing.
    expect(await replay({ instance_id: inst.id })).toEqual({ replayed: 0, processed: 0, held: 0, still_failed: 0 });
    const again = await deliver(
      inst,
      envelope(inst.name, "messages.upsert", upsert({ from, id, pushName: "Lia Faults", message: { conversation: "Vocês abrem sábado?" } })),
    );
    expect(await jsonOf<{ duplicate: boolean }>(again)).toMatchObject({ duplicate: true });
    await new Promise((r) => setTimeout(r, 200));
    expect(await messagesByExternal(inst.id, id)).toHaveLength(1);
    const conv = await env.DB.prepare("SELECT unread_count FROM conversations WHERE id = ?").bind(stored[0]!.conversation_id).first<{ unread_count: number }>();
    expect(conv?.unread_count).toBe(1);
  });

  it("with D1 down the delivery is still acknowledged (kept in the instance's journal) and applied once D1 is back", { timeout: 20_000 }, async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    const heal = breakD1Batches(() => true);
    const body = envelope(inst.name, "messages.upsert", upsert({ from, id, pushName: "Rui Outage", message: { conversation: "Alguém aí?" } }));
    const res = await deliver(inst, body);
    expect(res.status).toBe(200);
    const { id: eventId } = await jsonOf<{ id: string }>(res);
    // A retry while D1 is down is counted, not applied twice.
    expect(await jsonOf<{ duplicate: boolean; id: string }>(await deliver(inst, body))).toEqual({ ok: true, id: eventId, duplicate: true });
    await new Promise((r) => setTimeout(r, 300));
    expect(await eventRow(eventId)).toBeNull();
    expect(await messagesByExternal(inst.id, id)).toHaveLength(0);

    heal();
    // The instance's alarm (armed when the delivery was accepted) copies the journal to D1 and applies it.
    const stub = env.WA_INSTANCE.getByName(inst.id);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const stored = await eventually(async () => {
      const rows = await messagesByExternal(inst.id, id);
      return rows.length ? rows : null;
    });
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ content: "Alguém aí?", sender: "contact" });
    expect(await eventRow(eventId)).toMatchObject({ status: "processed" });
    const deliveries = await env.DB.prepare("SELECT deliveries FROM webhook_events WHERE id = ?").bind(eventId).first<{ deliveries: number }>();
    expect(deliveries?.deliveries).toBe(2);
  });

  it("a delivery recorded but never handed over (`received`) is applied by a replay across instances", async () => {
    const inst = await seedInstance({ status: "pending" });
    const at = new Date().toISOString();
    const payload = JSON.stringify(
      envelope(inst.name, "connection.update", { instance: inst.name, state: "open", statusReason: 200, wuid: "5511999990000@s.whatsapp.net" }, at),
    );
    const eventId = `whe_replay${Date.now()}`;
    await env.DB.prepare(
      "INSERT INTO webhook_events (id, instance_id, instance_name, event, dedupe_key, payload, status) VALUES (?, ?, ?, ?, ?, ?, 'received')",
    )
      .bind(eventId, inst.id, inst.name, "connection.update", `test:${eventId}`, payload)
      .run();
    const listed = await jsonOf<{ items: EventView[] }>(await api(`/api/webhook-events?status=received&instance_id=${inst.id}`));
    expect(listed.items.map((e) => e.id)).toContain(eventId);

    const report = await replay({});
    expect(report.replayed).toBeGreaterThanOrEqual(1);
    expect(report.still_failed).toBe(0);
    expect(await eventRow(eventId)).toMatchObject({ status: "processed" });
    const row = await env.DB.prepare("SELECT status FROM instances WHERE id = ?").bind(inst.id).first<{ status: string }>();
    expect(row?.status).toBe("open");
  });

  it("the journal routes are admin-only and validate their input", async () => {
    expect((await api("/api/webhook-events/replay", { method: "POST", json: {}, auth: false })).status).toBe(401);
    expect((await api("/api/webhook-events", { auth: false })).status).toBe(401);
    expect((await api("/api/webhook-events/replay", { method: "POST", json: { limit: 0 } })).status).toBe(400);
    expect((await api("/api/webhook-events/replay", { method: "POST", json: { instance: "x" } })).status).toBe(400);
    expect((await api("/api/webhook-events?status=processed")).status).toBe(400);
    expect((await api("/api/webhook-events?cursor=%%%")).status).toBe(400);
  });

  it("lists newest first with a cursor", async () => {
    const inst = await seedInstance();
    for (let i = 0; i < 3; i++) await deliver(inst, `{not json ${i}`);
    const first = await jsonOf<{ items: EventView[]; next_cursor: string | null }>(
      await api(`/api/webhook-events?status=rejected&instance_id=${inst.id}&limit=2`),
    );
    expect(first.items).toHaveLength(2);
    expect(first.next_cursor).toBeTruthy();
    const rest = await jsonOf<{ items: EventView[]; next_cursor: string | null }>(
      await api(`/api/webhook-events?status=rejected&instance_id=${inst.id}&limit=2&cursor=${first.next_cursor}`),
    );
    expect(rest.items).toHaveLength(1);
    expect(rest.next_cursor).toBeNull();
    expect(new Set([...first.items, ...rest.items].map((e) => e.id)).size).toBe(3);
  });
});

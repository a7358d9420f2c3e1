// Hostile webhook deliveries: generated malformed, truncated, wrongly typed and unexpected
// payloads. Never a 5xx, never a crash; every rejection is answered with the documented error
// and recorded; nothing but a valid event moves the instance.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deliver, envelope, seedInstance } from "../helpers";

const RUNS = 250;
// logout.instance / remove.instance carry `data: null` and are valid with any data: left out here.
const EVENTS = [
  "qrcode.updated",
  "connection.update",
  "status.instance",
  "messages.upsert",
  "messages.update",
  "messages.delete",
  "send.message",
  "presence.update",
  "chats.upsert",
  "QRCODE_UPDATED",
  "x".repeat(200),
];

const countEvents = async (id: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM webhook_events WHERE instance_id = ?").bind(id).first<{ n: number }>())!.n;

const instanceState = async (id: string) =>
  JSON.stringify(
    await env.DB.prepare("SELECT status, qr_code_base64, pairing_code, profile_name, disconnect_reason FROM instances WHERE id = ?").bind(id).first(),
  );

describe("hostile webhook payloads", () => {
  it("arbitrary JSON bodies: 200 or a recorded 400, never 5xx", async () => {
    const inst = await seedInstance();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
        const raw = JSON.stringify(body);
        const res = await deliver(inst, raw);
        expect([200, 400]).toContain(res.status);
        const json = (await res.json()) as { error?: { code: string; message: string } };
        if (res.status === 400) {
          expect(json.error?.code).toBe("validation_failed");
          // Recorded (a repeat of the same bad body is the same record, its deliveries counted).
          const row = await env.DB.prepare("SELECT status, error FROM webhook_events WHERE instance_id = ? AND payload = ?")
            .bind(inst.id, raw)
            .first<{ status: string; error: string }>();
          expect(row?.status).toBe("rejected");
          expect(row?.error).toBeTruthy();
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("envelopes with random events and wrongly typed data never crash and never move the instance unless valid", async () => {
    const inst = await seedInstance();
    const state = await instanceState(inst.id);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...EVENTS),
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          fc.record({ state: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)) }),
          fc.record({ qrcode: fc.oneof(fc.string(), fc.integer()) }),
          fc.record({ key: fc.anything() }),
        ),
        async (event, data) => {
          const res = await deliver(inst, envelope(inst.name, event, data));
          expect(res.status).toBeLessThan(500);
          expect([200, 400]).toContain(res.status);
        },
      ),
      { numRuns: RUNS },
    );
    // None of those payloads was a valid lifecycle event with a usable state.
    await new Promise((r) => setTimeout(r, 200));
    const after = await instanceState(inst.id);
    expect(JSON.parse(after).status).toBe(JSON.parse(state).status);
  });

  it("truncated and garbled bodies are rejected with 400 and recorded", async () => {
    const inst = await seedInstance();
    const valid = JSON.stringify(envelope(inst.name, "connection.update", { state: "open", statusReason: 200 }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: valid.length - 1 }), fc.string({ maxLength: 5 }), async (cut, junk) => {
        const body = valid.slice(0, cut) + junk;
        const res = await deliver(inst, body);
        let parses = true;
        try {
          JSON.parse(body);
        } catch {
          parses = false;
        }
        if (!parses) expect(res.status).toBe(400);
        expect(res.status).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );
    expect((await env.DB.prepare("SELECT status FROM instances WHERE id = ?").bind(inst.id).first<{ status: string }>())?.status).toBe("pending");
  });

  it("an oversized delivery is refused with 413 before it is read", async () => {
    const inst = await seedInstance();
    const res = await deliver(inst, JSON.stringify(envelope(inst.name, "messages.upsert", { pad: "x".repeat(33 * 1024 * 1024) })));
    expect(res.status).toBe(413);
  });

  it("another instance's secret or a missing one is 401 and records nothing", async () => {
    const a = await seedInstance();
    const b = await seedInstance();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(b.secret), fc.string({ maxLength: 80 }), fc.constant(a.secret.slice(0, -1))), async (secret) => {
        const res = await deliver(a, envelope(a.name, "connection.update", { state: "open" }), { secret });
        expect(res.status).toBe(401);
      }),
      { numRuns: 60 },
    );
    expect(await countEvents(a.id)).toBe(0);
  });
});

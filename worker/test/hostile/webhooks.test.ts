// Hostile webhook deliveries: generated malformed, truncated, wrongly typed and unexpected
// payloads. Never a 5xx, never a crash; every rejection is answered with the documented error
// and recorded; nothing but a valid event moves the instance.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConversationView, MessageView } from "../../shared/inbox";
import { api, deliver, envelope, jsonOf, seedInstance } from "../helpers";
import { messageByExternal, phone, upsert } from "../inbox/fixtures";

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

type Rejection = { error: { code: string; message: string; details: { path: string; message: string }[] } };

const rejectedRows = async (id: string) =>
  (
    await env.DB.prepare("SELECT event, status, error, payload FROM webhook_events WHERE instance_id = ? AND status = 'rejected' ORDER BY received_at, rowid")
      .bind(id)
      .all<{ event: string; status: string; error: string; payload: string }>()
  ).results;

describe("hostile webhook nesting and times", () => {
  afterEach(() => vi.restoreAllMocks());

  it("data nested 5,000 or 100,000 levels is a 400 naming where, recorded as rejected; the instance keeps taking deliveries", async () => {
    const inst = await seedInstance();
    const bodies = [5_000, 100_000].map((n) =>
      JSON.stringify(envelope(inst.name, "messages.upsert", "DEEP")).replace('"DEEP"', `${'{"a":'.repeat(n)}1${"}".repeat(n)}`),
    );
    // At the root, too: an array 50,000 levels deep.
    bodies.push(`${"[".repeat(50_000)}${"]".repeat(50_000)}`);
    const paths = [`data${".a".repeat(63)}`, `data${".a".repeat(63)}`, `${"0.".repeat(63)}0`];
    for (const [i, raw] of bodies.entries()) {
      const res = await deliver(inst, raw);
      expect(res.status).toBe(400);
      const { error } = await jsonOf<Rejection>(res);
      expect(error.code).toBe("validation_failed");
      // The envelope is level 1: the first level past 64 is named.
      expect(error.details[0]).toEqual({ path: paths[i], message: "nested more than 64 levels deep" });
    }
    const rows = await rejectedRows(inst.id);
    expect(rows.map((r) => r.event)).toEqual(["messages.upsert", "messages.upsert", "(malformed)"]);
    for (const [i, r] of rows.entries()) {
      expect(r.error).toBe(`${paths[i]}: nested more than 64 levels deep`);
      expect(bodies[i]!.startsWith(r.payload)).toBe(true);
    }
    // The journal lists them, the one that parses kept as its text.
    const journal = await api(`/api/webhook-events?status=rejected&instance_id=${inst.id}`);
    expect(journal.status).toBe(200);
    const listed = (await jsonOf<{ items: { payload: unknown }[] }>(journal)).items;
    expect(listed).toHaveLength(3);
    expect(listed.map((i) => typeof i.payload)).toEqual(["string", "string", "string"]);
    expect(listed.some((i) => i.payload === bodies[0])).toBe(true);
    const ok = await deliver(inst, envelope(inst.name, "connection.update", { state: "connecting" }));
    expect(ok.status).toBe(200);
  });

  it("a body the runtime's parser finds too deep (RangeError) is a recorded 400, not a 500", async () => {
    const inst = await seedInstance();
    const raw = JSON.stringify(envelope(inst.name, "presence.update", { id: "range" }));
    // V8's JSON.parse is iterative; a runtime whose parser recurses throws this on deep input.
    const parse = JSON.parse;
    vi.spyOn(JSON, "parse").mockImplementation((text: string, reviver?: Parameters<typeof JSON.parse>[1]) => {
      if (text === raw) throw new RangeError("Maximum call stack size exceeded");
      return parse(text, reviver);
    });
    const res = await deliver(inst, raw);
    expect(res.status).toBe(400);
    expect((await jsonOf<Rejection>(res)).error).toMatchObject({
      code: "validation_failed",
      message: "Malformed webhook payload: body is nested too deeply to parse",
    });
    vi.restoreAllMocks();
    expect(await rejectedRows(inst.id)).toMatchObject([{ event: "(malformed)", error: "body is nested too deeply to parse", payload: raw }]);
  });

  it("a messageTimestamp no message can have (1e20, 0, a 2001 or far-future time, a huge Long) gets 400 with the reason, recorded as rejected; list and thread keep working", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const junk: unknown[] = [
      1e20,
      "100000000000000000000",
      1e308,
      0,
      -1,
      1_000_000_000,
      Math.floor(Date.now() / 1000) + 7 * 86400,
      { low: -1, high: 2 ** 31 - 1 },
    ];
    for (const ts of junk) {
      const item = { ...upsert({ from }), messageTimestamp: ts };
      const res = await deliver(inst, envelope(inst.name, "messages.upsert", item));
      expect(res.status).toBe(400);
      const body = await jsonOf<{ error: { code: string; details: { path: string; message: string }[] } }>(res);
      expect(body.error.code).toBe("validation_failed");
      expect(body.error.details[0]).toMatchObject({ path: "data.messageTimestamp", message: expect.stringMatching(/not a time a WhatsApp message can have/) });
      expect(await env.DB.prepare("SELECT id FROM messages WHERE instance_id = ? AND external_id = ?").bind(inst.id, item.key.id).first()).toBeNull();
    }
    const rejected = await rejectedRows(inst.id);
    expect(rejected).toHaveLength(junk.length);
    for (const r of rejected) expect(r.error).toMatch(/data\.messageTimestamp: .* not a time a WhatsApp message can have/);

    // A good message still lands, with an implausible envelope date_time read as absent.
    const good = upsert({ from });
    const goodRes = await deliver(inst, envelope(inst.name, "messages.upsert", good, "9999-12-31T00:00:00.000Z"));
    expect(goodRes.status).toBe(200);
    const stored = await messageByExternal(inst.id, good.key.id);
    const list = await api(`/api/conversations?instance_id=${inst.id}`);
    expect(list.status).toBe(200);
    const [conv] = (await jsonOf<{ items: ConversationView[] }>(list)).items;
    expect(conv?.id).toBe(stored.conversation_id);
    expect(Date.parse(conv!.last_message_at!)).toBe(good.messageTimestamp * 1000);
    const thread = await api(`/api/conversations/${conv!.id}/messages`);
    expect(thread.status).toBe(200);
    expect((await jsonOf<{ items: MessageView[] }>(thread)).items.map((m) => m.external_id)).toEqual([good.key.id]);
  });
});

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deliver, envelope, eventually, jsonOf, seedInstance } from "../helpers";

const QR = `data:image/png;base64,${"iVBORw0KGgo".padEnd(800, "A")}`;

async function instanceRow(id: string) {
  return env.DB.prepare("SELECT * FROM instances WHERE id = ?").bind(id).first<Record<string, unknown>>();
}
async function events(id: string) {
  const { results } = await env.DB.prepare("SELECT * FROM webhook_events WHERE instance_id = ? ORDER BY received_at").bind(id).all<Record<string, unknown>>();
  return results;
}

describe("webhook authentication", () => {
  it("404 for an unknown instance, 401 for a bad or missing secret, 200 with the secret", async () => {
    const inst = await seedInstance();
    const body = envelope(inst.name, "connection.update", { instance: inst.name, state: "connecting", statusReason: 200 });
    expect((await deliver({ id: "ins_AAAAAAAAAAAAAAAAAAAA", secret: "x" }, body)).status).toBe(404);
    expect((await deliver({ id: "nonsense", secret: "x" }, body)).status).toBe(404);
    expect((await deliver(inst, body, { secret: "wrong" })).status).toBe(401);
    expect((await deliver(inst, body, { secret: "" })).status).toBe(401);
    const other = await seedInstance();
    expect((await deliver(inst, body, { secret: other.secret })).status).toBe(401);
    expect(await events(inst.id)).toHaveLength(0);
    const ok = await deliver(inst, body);
    expect(ok.status).toBe(200);
    expect((await jsonOf(ok)).ok).toBe(true);
  });

  it("accepts the byEvents suffix form", async () => {
    const inst = await seedInstance();
    const res = await deliver(inst, envelope(inst.name, "connection.update", { state: "connecting" }), { suffix: "connection-update" });
    expect(res.status).toBe(200);
  });
});

describe("malformed deliveries", () => {
  it("answer 400 with the reason and are recorded as rejected", async () => {
    const inst = await seedInstance();
    const bad = await deliver(inst, "{not json");
    expect(bad.status).toBe(400);
    expect((await jsonOf<{ error: { code: string; message: string } }>(bad)).error.message).toMatch(/not valid JSON/);
    const noEvent = await deliver(inst, { instance: inst.name, data: {} });
    expect(noEvent.status).toBe(400);
    expect((await jsonOf<{ error: { details: { path: string }[] } }>(noEvent)).error.details[0]?.path).toBe("event");
    const badData = await deliver(inst, envelope(inst.name, "connection.update", { state: 42 }));
    expect(badData.status).toBe(400);
    expect((await jsonOf<{ error: { message: string } }>(badData)).error.message).toMatch(/data\.state/);
    const rows = await events(inst.id);
    expect(rows.map((r) => r.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(rows.every((r) => typeof r.error === "string" && (r.error as string).length > 0)).toBe(true);
    expect((await instanceRow(inst.id))?.status).toBe("pending");
  });
});

describe("instance lifecycle events", () => {
  it("stores the QR and pairing code, then opens with profile details and clears the QR", async () => {
    const inst = await seedInstance();
    const t0 = Date.now();
    await deliver(
      inst,
      envelope(
        inst.name,
        "qrcode.updated",
        { qrcode: { instance: inst.name, pairingCode: "WZYEH1YY", code: "2@abc", base64: QR } },
        new Date(t0).toISOString(),
      ),
    );
    const withQr = await eventually(async () => {
      const r = await instanceRow(inst.id);
      return r?.qr_code_base64 ? r : null;
    });
    expect(withQr.qr_code_base64).toBe(QR);
    expect(withQr.pairing_code).toBe("WZYEH1YY");
    await deliver(
      inst,
      envelope(
        inst.name,
        "connection.update",
        {
          instance: inst.name,
          wuid: "5511988887777@s.whatsapp.net",
          profileName: "Shop",
          profilePictureUrl: "https://pps.whatsapp.net/x.jpg",
          state: "open",
          statusReason: 200,
        },
        new Date(t0 + 1000).toISOString(),
      ),
    );
    const open = await eventually(async () => {
      const r = await instanceRow(inst.id);
      return r?.status === "open" ? r : null;
    });
    expect(open.qr_code_base64).toBeNull();
    expect(open.profile_name).toBe("Shop");
    expect(open.owner_jid).toBe("5511988887777@s.whatsapp.net");
    expect(open.last_connected_at).toBeTypeOf("number");
    // The stored payload has the QR image stripped.
    const qrEvent = (await events(inst.id)).find((e) => e.event === "qrcode.updated");
    expect(qrEvent?.payload).not.toContain("AAAAAAAAAAAAAAAA");
  });

  it("processes a duplicate delivery once", async () => {
    const inst = await seedInstance();
    const body = envelope(inst.name, "qrcode.updated", { qrcode: { instance: inst.name, code: "2@x", base64: QR } });
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(inst, body)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    await eventually(async () => (await events(inst.id))[0]?.status === "processed");
    await new Promise((r) => setTimeout(r, 100));
    const rows = await events(inst.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.deliveries).toBe(10);
    expect((await instanceRow(inst.id))?.qr_count).toBe(1);
  });

  it("ends in the right status when connection events arrive out of order", async () => {
    const inst = await seedInstance();
    const t0 = Date.parse("2026-11-23T10:00:00.000Z");
    const at = (s: number) => new Date(t0 + s * 1000).toISOString();
    // Sent: connecting (t0), open (t0+5), close 401 (t0+60). Delivered: close, connecting, open.
    await deliver(inst, envelope(inst.name, "connection.update", { state: "close", statusReason: 401 }, at(60)));
    await eventually(async () => (await instanceRow(inst.id))?.status === "closed");
    await deliver(inst, envelope(inst.name, "connection.update", { state: "connecting", statusReason: 200 }, at(0)));
    await deliver(inst, envelope(inst.name, "connection.update", { state: "open", wuid: "1@s.whatsapp.net", statusReason: 200 }, at(5)));
    await eventually(async () => (await events(inst.id)).every((e) => e.status !== "received"));
    const row = await instanceRow(inst.id);
    expect(row?.status).toBe("closed");
    expect(row?.disconnect_reason).toMatch(/Logged out.*401/);
    const statuses = (await events(inst.id)).map((e) => e.status).sort();
    expect(statuses).toEqual(["ignored", "ignored", "processed"]);
  });

  it("maps logout, remove and the QR limit to closed with a reason", async () => {
    const inst = await seedInstance({ status: "open" });
    await deliver(inst, envelope(inst.name, "qrcode.updated", { message: "QR code limit reached, please login again", statusCode: 500 }));
    await eventually(async () => (await instanceRow(inst.id))?.status === "closed");
    expect((await instanceRow(inst.id))?.disconnect_reason).toMatch(/QR code limit/);
    const other = await seedInstance({ status: "open" });
    await deliver(other, envelope(other.name, "logout.instance", null));
    await eventually(async () => (await instanceRow(other.id))?.disconnect_reason === "Logged out");
  });

  it("records message events without dropping them", async () => {
    const inst = await seedInstance({ status: "open" });
    const upsert = {
      key: { remoteJid: "5511912345678@s.whatsapp.net", fromMe: false, id: "3EB0ABC" },
      pushName: "Ana",
      status: "DELIVERY_ACK",
      message: { conversation: "Oi" },
      messageType: "conversation",
      messageTimestamp: 1763900000,
      instanceId: "uuid",
      source: "android",
    };
    expect((await deliver(inst, envelope(inst.name, "messages.upsert", upsert))).status).toBe(200);
    expect((await deliver(inst, envelope(inst.name, "messages.upsert", upsert))).status).toBe(200);
    const rows = await events(inst.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.dedupe_key).toBe("messages.upsert:3EB0ABC:DELIVERY_ACK");
    expect(rows[0]?.deliveries).toBe(2);
    expect(JSON.parse(rows[0]!.payload as string).data.message.conversation).toBe("Oi");
  });
});

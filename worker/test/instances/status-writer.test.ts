// The instance's Durable Object is the one writer of its connection state: the API's changes
// (create's first QR, connect, logout) go through it like webhook events, in one order, and it
// tells the sockets watching the instance.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { InstanceView } from "../../shared/instances";
import { deliver, envelope, eventually, seedInstance } from "../helpers";

const QR = `data:image/png;base64,${"iVBORw0KGgo".padEnd(800, "A")}`;
const stub = (id: string) => env.WA_INSTANCE.getByName(id);
const row = (id: string) => env.DB.prepare("SELECT * FROM instances WHERE id = ?").bind(id).first<Record<string, unknown>>();

async function watch(id: string) {
  const res = await exports.default.fetch(
    new Request(`http://parley.test/api/instances/${id}/ws`, { headers: { upgrade: "websocket", authorization: `Bearer ${env.ADMIN_TOKEN}` } }),
  );
  const ws = res.webSocket!;
  const frames: InstanceView[] = [];
  ws.addEventListener("message", (m) => frames.push((JSON.parse(m.data as string) as { instance: InstanceView }).instance));
  ws.accept();
  await eventually(async () => frames.length >= 1); // the snapshot
  return { ws, frames };
}

describe("the instance object writes the API's connection changes", () => {
  it("connect and logout: written in order with the events, answered and told to the sockets alike", async () => {
    const inst = await seedInstance();
    const { ws, frames } = await watch(inst.id);

    const pending = await stub(inst.id).applyApiChange({ kind: "connect", result: { open: false, qrcode: { base64: QR, pairingCode: "WZYEH1YY" } } });
    expect(pending).toMatchObject({ status: "pending", qr_code_base64: QR, pairing_code: "WZYEH1YY", qr_count: 1 });
    expect(await eventually(async () => frames.find((f) => f.qr_count === 1))).toEqual(pending);
    expect(await row(inst.id)).toMatchObject({ status: "pending", qr_count: 1, pairing_code: "WZYEH1YY" });

    // A webhook QR lands on top of the API's: the same writer, one count.
    await deliver(inst, envelope(inst.name, "qrcode.updated", { qrcode: { instance: inst.name, code: "2@x", base64: QR } }));
    await eventually(async () => (await row(inst.id))?.qr_count === 2);

    const closed = await stub(inst.id).applyApiChange({ kind: "logout" });
    expect(closed).toMatchObject({ status: "closed", disconnect_reason: "Logged out from Parley", qr_code_base64: null, pairing_code: null, qr_count: 2 });
    expect(await eventually(async () => frames.find((f) => f.status === "closed"))).toEqual(closed);

    const open = await stub(inst.id).applyApiChange({ kind: "connect", result: { open: true, instanceName: inst.name } });
    expect(open?.status).toBe("open");
    expect((await row(inst.id))?.status).toBe("open");
    ws.close();
  });

  it("stores create's token and first QR without telling the (not yet watching) sockets", async () => {
    const inst = await seedInstance();
    const { ws, frames } = await watch(inst.id);
    const view = await stub(inst.id).applyApiChange({ kind: "created", token: "NEW-TOKEN", qrcode: { base64: QR } });
    expect(view).toMatchObject({ qr_code_base64: QR, qr_count: 1, status: "pending" });
    expect((await row(inst.id))?.evolution_token).toBe("NEW-TOKEN");
    await new Promise((r) => setTimeout(r, 100));
    expect(frames).toHaveLength(1);
    ws.close();
  });

  it("answers null for an instance that no longer exists", async () => {
    const inst = await seedInstance();
    await env.DB.prepare("DELETE FROM instances WHERE id = ?").bind(inst.id).run();
    expect(await stub(inst.id).applyApiChange({ kind: "logout" })).toBeNull();
  });
});

// QR codes, scanning, logout/delete and how each webhook is routed (EVOLUTION.md §3, §4.1, §4.2, §4.7).
import { describe, expect, it } from "vitest";
import { base64ToBytes, PNG_SIGNATURE } from "../../../simulator/png";
import { createInstance, HOOK_URL, setup } from "./sim-helpers";

describe("QR codes", () => {
  it("delivers qrcode.updated with a real PNG data URL and serves the same QR on connect", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx);
    const [qrEvent] = ctx.events("qrcode.updated");
    const qr = (qrEvent!.body.data as { qrcode: { instance: string; code: string; base64: string; pairingCode: string | null } }).qrcode;
    expect(qr.instance).toBe(ref.instanceName);
    expect(qr.code).toMatch(/^2@/);
    expect(qr.base64.startsWith("data:image/png;base64,")).toBe(true);
    const bytes = base64ToBytes(qr.base64.slice("data:image/png;base64,".length));
    expect([...bytes.subarray(0, 8)]).toEqual([...PNG_SIGNATURE]);
    expect(bytes.length).toBeGreaterThan(200);
    const connect = await ctx.client.connect(ref);
    expect(connect).toEqual({ open: false, qrcode: { code: qr.code, base64: qr.base64, count: 1 } });
    await ctx.sim.refreshQr(ref.instanceName);
    await ctx.sim.idle();
    expect(ctx.events("qrcode.updated")).toHaveLength(2);
    expect((await ctx.client.connect(ref)).open).toBe(false);
  });

  it("issues a pairing code when connect?number= is called on a closed instance", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    await ctx.client.logout(ref);
    const res = await ctx.client.connect(ref, { number: "5511988887777" });
    expect(res.open ? null : res.qrcode.pairingCode).toMatch(/^[A-Z0-9]{8}$/);
  });

  it("refuses after the QR limit like Baileys (428, then closed)", async () => {
    const ctx = setup({ qrLimit: 2 });
    const ref = await createInstance(ctx);
    await ctx.sim.refreshQr(ref.instanceName);
    await ctx.sim.refreshQr(ref.instanceName);
    await ctx.sim.idle();
    expect(ctx.events("qrcode.updated").at(-1)?.body.data).toEqual({ message: "QR code limit reached, please login again", statusCode: 500 });
    expect(ctx.events("connection.update").at(-1)?.body.data).toMatchObject({ state: "refused", statusReason: 428 });
    expect(ctx.sim.instance(ref.instanceName).state).toBe("close");
  });
});

describe("scan and disconnect", () => {
  it("scan delivers connection.update open with wuid and profileName, with the configured headers", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    const open = ctx.events("connection.update").at(-1);
    expect(open?.url).toBe(HOOK_URL);
    expect(open?.headers.get("x-parley-secret")).toBe("s3cret");
    expect(open?.headers.get("content-type")).toBe("application/json");
    expect(open?.body).toMatchObject({
      event: "connection.update",
      instance: ref.instanceName,
      destination: HOOK_URL,
      sender: "5511999990000@s.whatsapp.net",
      apikey: null,
      date_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      data: { instance: ref.instanceName, wuid: "5511999990000@s.whatsapp.net", profileName: "Shop", state: "open", statusReason: 200 },
    });
    expect(ctx.events("connection.update").map((d) => (d.body.data as { state: string }).state)).toEqual(["connecting", "open"]);
    expect((await ctx.client.connectionState(ref)).instance.state).toBe("open");
    expect(await ctx.client.connect(ref)).toEqual({ open: true, instanceName: ref.instanceName });
  });

  it("logout emits close 401 → status.instance → logout.instance; delete then instance.delete → remove.instance", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    const from = ctx.delivered.length;
    expect(await ctx.client.logout(ref)).toEqual({ status: "SUCCESS", error: false, response: { message: "Instance logged out" } });
    await ctx.client.connect(ref);
    ctx.sim.scan(ref.instanceName);
    expect((await ctx.client.deleteInstance(ref)).response.message).toBe("Instance deleted");
    await ctx.sim.idle();
    const seq = ctx.delivered.slice(from).map((d) => d.body.event);
    expect(seq).toEqual([
      "connection.update",
      "status.instance",
      "logout.instance",
      "connection.update",
      "qrcode.updated",
      "connection.update",
      "connection.update",
      "status.instance",
      "logout.instance",
      "instance.delete",
      "remove.instance",
    ]);
    expect(ctx.delivered[from]?.body.data).toEqual({ instance: ref.instanceName, state: "close", statusReason: 401 });
    expect(ctx.events("logout.instance")[0]?.body.data).toBeNull();
    expect(ctx.events("remove.instance")[0]?.body.data).toBeNull();
    expect(ctx.sim.instances().some((i) => i.name === ref.instanceName)).toBe(false);
  });
});

describe("webhook routing", () => {
  it("delivers only listed events, appends byEvents suffixes, and follows /webhook/set changes", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { events: ["CONNECTION_UPDATE"], byEvents: true });
    expect(ctx.delivered.map((d) => d.url)).toEqual([`${HOOK_URL}/connection-update`]);
    const row = await ctx.client.setWebhook(ref, { url: "https://other.example.com/wh", headers: { jwt_key: "jwt-secret" }, events: ["QRCODE_UPDATED"] });
    expect(row).toMatchObject({ url: "https://other.example.com/wh", enabled: true, events: ["QRCODE_UPDATED"], webhookByEvents: false });
    expect(await ctx.client.findWebhook(ref)).toMatchObject({ url: "https://other.example.com/wh" });
    await ctx.sim.refreshQr(ref.instanceName);
    await ctx.sim.idle();
    const last = ctx.delivered.at(-1);
    expect([ctx.delivered.length, last?.url, last?.body.event]).toEqual([2, "https://other.example.com/wh", "qrcode.updated"]);
    // jwt_key is not sent as a header: it signs an HS256 Authorization bearer instead (EVOLUTION.md §3.6).
    expect(last?.headers.get("jwt_key")).toBeNull();
    const [header, payload] = (last?.headers.get("authorization") ?? "").replace("Bearer ", "").split(".");
    expect(JSON.parse(atob(header ?? ""))).toEqual({ alg: "HS256", typ: "JWT" });
    expect(JSON.parse(atob(payload ?? ""))).toMatchObject({ app: "evolution", action: "webhook" });
    await ctx.client.setWebhook(ref, { enabled: false, url: "https://other.example.com/wh", events: [] });
    await ctx.sim.refreshQr(ref.instanceName);
    await ctx.sim.idle();
    expect(ctx.delivered).toHaveLength(2);
  });
});

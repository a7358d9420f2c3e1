// The simulator rejects what Evolution v2 rejects, with Evolution's envelope and status codes.
import { describe, expect, it } from "vitest";
import { uid } from "../helpers";
import { createInstance, evo, GLOBAL_KEY, setup } from "./sim-helpers";

const body = async (res: Response) => (await res.json()) as { status: number; error: string; response: { message: unknown } };
const create = (name: string, extra: Record<string, unknown> = {}) => ({
  instanceName: name,
  integration: "WHATSAPP-BAILEYS",
  qrcode: true,
  webhook: { url: "https://crm.example.com/h", events: [] },
  ...extra,
});

describe("instance/create", () => {
  it("needs the global key, a valid integration, a free name and webhook.events", async () => {
    const { sim } = setup();
    const name = `n-${uid()}`;
    const noKey = await evo(sim, "POST", "/instance/create", create(name), "");
    expect(noKey.status).toBe(401);
    expect(await body(noKey)).toEqual({ status: 401, error: "Unauthorized", response: { message: "Unauthorized" } });
    const bad = await evo(sim, "POST", "/instance/create", create(name, { integration: undefined }));
    expect([bad.status, (await body(bad)).response.message]).toEqual([400, ["Invalid integration"]]);
    const noEvents = await evo(sim, "POST", "/instance/create", create(name, { webhook: { url: "https://crm.example.com/h" } }));
    expect(noEvents.status).toBe(500);
    expect(sim.instances()).toHaveLength(0);
    const ok = await evo(sim, "POST", "/instance/create", create(name));
    expect(ok.status).toBe(201);
    const created = (await ok.json()) as { hash: unknown; instance: { instanceName: string }; qrcode: unknown };
    expect(typeof created.hash).toBe("string");
    expect(created.qrcode).toEqual({ count: 0 });
    const clash = await evo(sim, "POST", "/instance/create", create(name), "wrong-key");
    expect([clash.status, (await body(clash)).response.message]).toEqual([403, [`This name "${name}" is already in use.`]]);
    await sim.idle();
  });
});

describe("auth and routing", () => {
  it("404s an unknown instance before checking the key; a token only works for its own instance", async () => {
    const ctx = setup();
    const a = await createInstance(ctx);
    const b = await createInstance(ctx);
    const unknown = await evo(ctx.sim, "GET", "/instance/connectionState/nope", undefined, "garbage");
    expect([unknown.status, (await body(unknown)).response.message]).toEqual([404, ['The "nope" instance does not exist']]);
    expect((await evo(ctx.sim, "GET", `/instance/connectionState/${a.instanceName}`, undefined, "garbage")).status).toBe(401);
    expect((await evo(ctx.sim, "GET", `/instance/connectionState/${a.instanceName}`, undefined, b.token)).status).toBe(401);
    expect((await evo(ctx.sim, "GET", `/instance/connectionState/${a.instanceName}`, undefined, a.token)).status).toBe(200);
    expect((await evo(ctx.sim, "GET", `/instance/connectionState/${a.instanceName}`, undefined, GLOBAL_KEY)).status).toBe(200);
    const route = await evo(ctx.sim, "POST", "/message/sendTextV1/x");
    expect([route.status, (await body(route)).response.message]).toEqual([404, ["Cannot POST /message/sendTextV1/x"]]);
  });
});

describe("v1 and invalid bodies", () => {
  it("rejects each with the status and message Evolution gives", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    const path = (route: string) => `/${route}/${ref.instanceName}`;
    const cases: Array<[string, unknown, number, unknown[]]> = [
      [path("message/sendText"), { number: "5511988887777", textMessage: { text: "hi" } }, 400, ['instance requires property "text"']],
      [path("message/sendText"), { number: "5511988887777", text: "   " }, 400, ["Text is required"]],
      [path("message/sendText"), { text: "hi" }, 400, ['instance requires property "number"']],
      [
        path("message/sendMedia"),
        { number: "5511988887777", mediatype: "image", media: "data:image/png;base64,iVBORw0KGgo=" },
        400,
        ["Owned media must be a url or base64"],
      ],
      [
        path("message/sendMedia"),
        { number: "5511988887777", mediaMessage: { mediatype: "image", media: "https://x.example.com/a.jpg" } },
        400,
        ['instance requires property "mediatype"'],
      ],
      [
        path("message/sendMedia"),
        { number: "5511988887777", mediatype: "document", media: "JVBERi0xLjQK" },
        400,
        ["For base64 the file name must be informed."],
      ],
      [
        path("message/sendWhatsAppAudio"),
        { number: "5511988887777", audioMessage: { audio: "https://x.example.com/a.ogg" } },
        400,
        ['instance requires property "audio"'],
      ],
      [path("webhook/set"), { url: "https://crm.example.com/h", enabled: true, events: [] }, 400, ['instance requires property "webhook"']],
      [
        path("webhook/set"),
        { webhook: { enabled: true, url: "https://crm.example.com/h", events: ["MESSAGES_UPSERTED"] } },
        400,
        [expect.stringContaining("instance.webhook.events[0] is not one of enum values")],
      ],
    ];
    for (const [p, payload, status, message] of cases) {
      const res = await evo(ctx.sim, "POST", p, payload, ref.token);
      expect({ p, status: res.status, message: (await body(res)).response.message }).toEqual({ p, status, message });
    }
    const noEvents = await evo(ctx.sim, "POST", path("webhook/set"), { webhook: { enabled: true, url: "https://crm.example.com/h" } }, ref.token);
    expect(noEvents.status).toBe(500);
    // The rejected sends are recorded exactly as received, and nothing was sent.
    const sends = ctx.sim.sends(ref.instanceName);
    expect(sends[0]).toMatchObject({ route: "sendText", status: 400, body: { number: "5511988887777", textMessage: { text: "hi" } } });
    expect(sends.every((s) => s.status === 400)).toBe(true);
    expect(ctx.events("send.message")).toHaveLength(0);
  });

  it("answers logout of a closed instance with 400 and restart of a closed one with HTTP 200 {error:true}", async () => {
    const ctx = setup();
    const name = `n-${uid()}`;
    const created = (await (await evo(ctx.sim, "POST", "/instance/create", { instanceName: name, integration: "WHATSAPP-BAILEYS" })).json()) as {
      hash: string;
    };
    const logout = await evo(ctx.sim, "DELETE", `/instance/logout/${name}`, undefined, created.hash);
    expect([logout.status, (await body(logout)).response.message]).toEqual([400, [`The "${name}" instance is not connected`]]);
    const restart = await evo(ctx.sim, "POST", `/instance/restart/${name}`, undefined, created.hash);
    expect([restart.status, await restart.json()]).toEqual([200, { error: true, message: "[object Object]" }]);
    await expect(ctx.client.restart({ instanceName: name, token: created.hash })).rejects.toMatchObject({ name: "EvolutionError", status: 200 });
  });
});

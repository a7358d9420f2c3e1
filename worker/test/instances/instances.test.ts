import { env, exports } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import type { InstanceView } from "../../shared/instances";
import { api, eventually, jsonOf, uid } from "../helpers";
import { installSimulator } from "../simulator-harness";

const { sim, restore } = installSimulator();
afterAll(restore);

async function create(name = `shop-${uid()}`, number = "+55 11 98888-7777") {
  const res = await api("/api/instances", { method: "POST", json: { name, number } });
  return { res, body: await jsonOf<InstanceView & { error?: { code: string; details?: unknown } }>(res) };
}

const simInstance = (name: string) => sim.instances().find((i) => i.name === name);
const row = (id: string) => env.DB.prepare("SELECT * FROM instances WHERE id = ?").bind(id).first<Record<string, unknown>>();

describe("instances API against the Evolution simulator", () => {
  it("creates on Evolution with the nested webhook (events listed, secret header) and stores the token", async () => {
    const { res, body } = await create();
    expect(res.status).toBe(201);
    expect(body.id).toMatch(/^ins_/);
    expect(body.number).toBe("+5511988887777");
    expect(body.status).toBe("pending");
    expect(body.webhook_url).toBe(`http://parley.test/webhooks/${body.id}`);
    expect(JSON.stringify(body)).not.toMatch(/secret|token/i);
    const simInst = simInstance(body.name);
    expect(simInst?.webhook?.url).toBe(body.webhook_url);
    expect(simInst?.webhook?.events).toContain("CONNECTION_UPDATE");
    const stored = await row(body.id);
    expect(stored?.evolution_token).toBe(simInst?.token);
    expect(simInst?.webhook?.headers?.["x-parley-secret"]).toBe(stored?.webhook_secret);
  });

  it("validates the body: 400 naming the field, nothing written", async () => {
    const before = await env.DB.prepare("SELECT count(*) AS n FROM instances").first<{ n: number }>();
    const bad = await api("/api/instances", { method: "POST", json: { name: "has space", number: "+5511988887777" } });
    expect(bad.status).toBe(400);
    const err = (await jsonOf<{ error: { code: string; details: { path: string }[] } }>(bad)).error;
    expect(err.code).toBe("validation_failed");
    expect(err.details[0]?.path).toBe("name");
    const badNumber = await api("/api/instances", { method: "POST", json: { name: `ok-${uid()}`, number: "12" } });
    expect((await jsonOf<{ error: { details: { path: string }[] } }>(badNumber)).error.details[0]?.path).toBe("number");
    const after = await env.DB.prepare("SELECT count(*) AS n FROM instances").first<{ n: number }>();
    expect(after?.n).toBe(before?.n);
  });

  it("refuses a duplicate name with 409", async () => {
    const name = `dup-${uid()}`;
    expect((await create(name)).res.status).toBe(201);
    const second = await create(name);
    expect(second.res.status).toBe(409);
    expect(second.body.error?.code).toBe("conflict");
  });

  it("goes live: the QR arrives by webhook, a scan opens it, a WebSocket subscriber sees each change", async () => {
    const { body } = await create();
    const wsRes = await exports.default.fetch(
      new Request(`http://parley.test/api/instances/${body.id}/ws`, { headers: { upgrade: "websocket", authorization: `Bearer ${env.ADMIN_TOKEN}` } }),
    );
    expect(wsRes.status).toBe(101);
    const ws = wsRes.webSocket!;
    const frames: { type: string; instance?: InstanceView }[] = [];
    ws.addEventListener("message", (m) => frames.push(JSON.parse(m.data as string)));
    ws.accept();
    await eventually(async () => frames.length >= 1);
    expect(frames[0]?.type).toBe("instance");

    const connect = await api(`/api/instances/${body.id}/connect`, { method: "POST" });
    expect(connect.status).toBe(200);
    const qr = await eventually(async () => (await jsonOf<InstanceView>(await api(`/api/instances/${body.id}`))).qr_code_base64);
    expect(qr).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);

    sim.scan(body.name);
    const open = await eventually(async () => frames.find((f) => f.instance?.status === "open"));
    expect(open.instance?.qr_code_base64).toBeNull();
    expect((await row(body.id))?.status).toBe("open");
    ws.close();
  });

  it("updates the webhook URL through /webhook/set and persists it", async () => {
    const { body } = await create();
    const url = "https://crm.example.com/webhooks/custom";
    const res = await api(`/api/instances/${body.id}/webhook`, { method: "PATCH", json: { url } });
    expect(res.status).toBe(200);
    expect((await jsonOf<InstanceView>(res)).webhook_url).toBe(url);
    expect(simInstance(body.name)?.webhook?.url).toBe(url);
    const bad = await api(`/api/instances/${body.id}/webhook`, { method: "PATCH", json: { url: "ftp://x" } });
    expect(bad.status).toBe(400);
  });

  it("logs out and deletes (Evolution first, then locally)", async () => {
    const { body } = await create();
    await api(`/api/instances/${body.id}/connect`, { method: "POST" });
    sim.scan(body.name);
    await eventually(async () => (await row(body.id))?.status === "open");
    const out = await api(`/api/instances/${body.id}/logout`, { method: "POST" });
    expect(out.status).toBe(200);
    expect((await jsonOf<InstanceView>(out)).status).toBe("closed");
    const del = await api(`/api/instances/${body.id}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect(await row(body.id)).toBeNull();
    expect(simInstance(body.name)).toBeUndefined();
    expect((await api(`/api/instances/${body.id}`)).status).toBe(404);
  });

  it("answers 502 and keeps the row when Evolution fails to delete", async () => {
    const { body } = await create();
    const spy = sim.app.fetch;
    sim.app.fetch = async (req: Request) =>
      req.method === "DELETE"
        ? new Response(JSON.stringify({ status: 500, error: "Internal Server Error", response: { message: ["boom"] } }), { status: 500 })
        : spy(req);
    try {
      const del = await api(`/api/instances/${body.id}`, { method: "DELETE" });
      expect(del.status).toBe(502);
      expect((await jsonOf<{ error: { code: string; message: string } }>(del)).error.message).toMatch(/boom/);
      expect(await row(body.id)).not.toBeNull();
    } finally {
      sim.app.fetch = spy;
    }
  });

  it("lists instances with their status", async () => {
    const { body } = await create();
    const list = await jsonOf<{ items: InstanceView[] }>(await api("/api/instances"));
    expect(list.items.find((i) => i.id === body.id)?.status).toBe("pending");
  });
});

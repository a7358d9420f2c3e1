// The simulator's server faults (POST /_sim/faults, sim.setFault): a send performed and then
// answered 502, dropped or never answered; requests hanging unprocessed; refused connections —
// per scope and for a count or a time, realized by the workerd harness (simulatorFetch).
import { describe, expect, it } from "vitest";
import type { EvolutionSimulator } from "../../../simulator";
import { FAULT_HEADER } from "../../../simulator";
import { simulatorFetch } from "../simulator-harness";
import { createInstance, GLOBAL_KEY, setup } from "./sim-helpers";

const NUMBER = "5511988887777";

function wire(opts: Parameters<typeof setup>[0] = {}) {
  const ctx = setup(opts);
  const fetchSim = simulatorFetch(ctx.sim);
  const evo = (method: string, path: string, body?: unknown, signal?: AbortSignal) =>
    fetchSim(`http://evolution.test${path}`, {
      method,
      headers: { apikey: GLOBAL_KEY, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  const sendText = (name: string, text: string, signal?: AbortSignal) => evo("POST", `/message/sendText/${name}`, { number: NUMBER, text }, signal);
  const findMessages = async (name: string) => {
    const res = await evo("POST", `/chat/findMessages/${name}`, { where: { key: { fromMe: true } } });
    return ((await res.json()) as { messages: { records: Array<{ key: { id: string } }> } }).messages.records.map((r) => r.key.id);
  };
  return { ...ctx, evo, sendText, findMessages };
}

const control = (sim: EvolutionSimulator, method: string, path: string, body?: unknown) =>
  sim.app.fetch(
    new Request(`http://evolution.test/_sim${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    }),
  );

describe("accept-502", () => {
  it("performs and records the send, emits its webhooks, then answers an nginx 502 (control API, count 1)", async () => {
    const w = wire();
    const { instanceName } = await createInstance(w, { open: true });
    const set = await control(w.sim, "POST", "/faults", { mode: "accept-502", count: 1 });
    expect(await set.json()).toMatchObject({ mode: "accept-502", scope: "send", active: true, remaining: 1, hits: 0, until: null });
    const res = await w.sendText(instanceName, "oi");
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(await res.text()).toContain("502 Bad Gateway");
    const [sent] = w.sim.sends(instanceName);
    expect(sent).toMatchObject({ route: "sendText", status: 201, fault: "accept-502", keyId: expect.any(String) });
    expect(w.sim.accepted(instanceName)).toEqual([
      { at: expect.any(String), route: "sendText", keyId: sent?.keyId, number: NUMBER, jid: `${NUMBER}@s.whatsapp.net`, text: "oi", fault: "accept-502" },
    ]);
    expect(await w.findMessages(instanceName)).toEqual([sent?.keyId]);
    await w.sim.idle();
    expect(w.events("send.message")).toHaveLength(1);
    expect(w.events("messages.update").map((d) => (d.body.data as { status: string }).status)).toEqual(["SERVER_ACK", "DELIVERY_ACK", "READ"]);
    // The count is spent: the next send is answered normally and records no fault.
    expect((await w.sendText(instanceName, "de novo")).status).toBe(201);
    expect(w.sim.sends(instanceName)[1]).not.toHaveProperty("fault");
    expect(await (await control(w.sim, "GET", "/faults")).json()).toMatchObject({ mode: "accept-502", active: false, remaining: 0, hits: 1 });
  });
});

describe("accept-drop, hang, accept-hang (methods)", () => {
  it("accept-drop: the client gets a TypeError, the message exists", async () => {
    const w = wire();
    const { instanceName } = await createInstance(w, { open: true });
    w.sim.setFault({ mode: "accept-drop" });
    await expect(w.sendText(instanceName, "caiu")).rejects.toThrow(new TypeError("Network connection lost."));
    const accepted = w.sim.accepted(instanceName);
    expect(accepted).toMatchObject([{ text: "caiu", number: NUMBER, fault: "accept-drop" }]);
    // Scope "send": findMessages still answers, and shows the message.
    expect(await w.findMessages(instanceName)).toEqual([accepted[0]?.keyId]);
    expect(w.sim.fault()).toMatchObject({ mode: "accept-drop", active: true, remaining: null, hits: 1 });
  });

  it("hang: nothing is processed; the client's AbortSignal.timeout ends it", async () => {
    const w = wire();
    const { instanceName } = await createInstance(w, { open: true });
    w.sim.setFault({ mode: "hang", count: 1 });
    const started = Date.now();
    const err = await w.sendText(instanceName, "alô?", AbortSignal.timeout(80)).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "TimeoutError" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    expect(w.sim.sends(instanceName)).toEqual([]);
    expect(w.sim.accepted(instanceName)).toEqual([]);
    expect(await w.findMessages(instanceName)).toEqual([]);
    expect((await w.sendText(instanceName, "agora")).status).toBe(201);
  });

  it("accept-hang: performed and recorded, never answered", async () => {
    const w = wire();
    const { instanceName } = await createInstance(w, { open: true });
    w.sim.setFault({ mode: "accept-hang", count: 1 });
    await expect(w.sendText(instanceName, "demorou", AbortSignal.timeout(50))).rejects.toMatchObject({ name: "TimeoutError" });
    expect(w.sim.accepted(instanceName)).toMatchObject([{ text: "demorou", fault: "accept-hang" }]);
    expect(w.sim.sends(instanceName)).toMatchObject([{ status: 201, fault: "accept-hang" }]);
  });

  it("a bare app.fetch (no transport) sees a marked 502", async () => {
    const w = wire();
    w.sim.setFault({ mode: "refuse", scope: "all" });
    const res = await w.sim.app.fetch(new Request("http://evolution.test/instance/fetchInstances", { headers: { apikey: GLOBAL_KEY } }));
    expect(res.status).toBe(502);
    expect(res.headers.get(FAULT_HEADER)).toBe("refuse");
  });
});

describe("refuse for a time", () => {
  it('{mode:"refuse", scope:"all", for_ms: 8000}: every Evolution route refused until the clock passes, then normal by itself', async () => {
    let clock = Date.parse("2026-05-01T12:00:00Z");
    const w = wire({ now: () => clock });
    const { instanceName } = await createInstance(w, { open: true });
    expect((await control(w.sim, "POST", "/faults", { mode: "refuse", scope: "all", for_ms: 8000 })).status).toBe(200);
    const refused = new TypeError("connect ECONNREFUSED");
    await expect(w.sendText(instanceName, "x")).rejects.toThrow(refused);
    await expect(w.evo("GET", `/instance/connectionState/${instanceName}`)).rejects.toThrow(refused);
    await expect(w.findMessages(instanceName)).rejects.toThrow(refused);
    // The control API is never disturbed.
    expect(await (await control(w.sim, "GET", "/faults")).json()).toMatchObject({ active: true, hits: 3, until: "2026-05-01T12:00:08.000Z" });
    clock += 7_999;
    await expect(w.sendText(instanceName, "x")).rejects.toThrow(refused);
    expect(w.sim.sends(instanceName)).toEqual([]);
    clock += 1;
    expect((await w.sendText(instanceName, "voltou")).status).toBe(201);
    expect((await w.evo("GET", `/instance/connectionState/${instanceName}`)).status).toBe(200);
    expect(w.sim.fault()).toMatchObject({ mode: "refuse", active: false, hits: 4 });
    expect(w.sim.faultLog().map((h) => [h.method, h.path.split("/")[2]])).toEqual([
      ["POST", "sendText"],
      ["GET", "connectionState"],
      ["POST", "findMessages"],
      ["POST", "sendText"],
    ]);
  });

  it("on the real clock: refused for 150 ms, then answered", async () => {
    const w = wire();
    const { instanceName } = await createInstance(w, { open: true });
    w.sim.setFault({ mode: "refuse", forMs: 150 });
    await expect(w.sendText(instanceName, "x")).rejects.toThrow(TypeError);
    await new Promise((r) => setTimeout(r, 170));
    expect((await w.sendText(instanceName, "y")).status).toBe(201);
    expect(w.sim.accepted(instanceName).map((a) => a.text)).toEqual(["y"]);
  });
});

describe("count and scope", () => {
  it("count N hits exactly the next N matching requests; other routes do not use it up", async () => {
    const w = wire();
    const { instanceName } = await createInstance(w, { open: true });
    w.sim.setFault({ mode: "accept-502", count: 2 });
    expect((await w.sendText(instanceName, "1")).status).toBe(502);
    expect((await w.evo("GET", `/instance/connectionState/${instanceName}`)).status).toBe(200);
    expect(await w.findMessages(instanceName)).toHaveLength(1);
    expect((await w.sendText(instanceName, "2")).status).toBe(502);
    expect((await w.sendText(instanceName, "3")).status).toBe(201);
    expect(w.sim.fault()).toMatchObject({ active: false, remaining: 0, hits: 2 });
    expect(w.sim.accepted(instanceName).map((a) => [a.text, a.fault ?? null])).toEqual([
      ["1", "accept-502"],
      ["2", "accept-502"],
      ["3", null],
    ]);
    // A new fault replaces the old one; {mode:"none"} clears.
    w.sim.setFault({ mode: "refuse", scope: "all", count: 5 });
    await expect(w.sendText(instanceName, "4")).rejects.toThrow("ECONNREFUSED");
    expect(w.sim.setFault({ mode: "none" })).toMatchObject({ mode: "none", active: false, hits: 0 });
    expect((await w.sendText(instanceName, "5")).status).toBe(201);
  });

  it('scope "send" spares other routes, "all" hits them; sends count media captions too', async () => {
    const w = wire();
    const { instanceName } = await createInstance(w, { open: true });
    w.sim.setFault({ mode: "refuse" });
    expect((await w.evo("GET", `/instance/connectionState/${instanceName}`)).status).toBe(200);
    await expect(
      w.evo("POST", `/message/sendMedia/${instanceName}`, { number: NUMBER, mediatype: "image", media: "https://x.example.com/a.jpg" }),
    ).rejects.toThrow(TypeError);
    w.sim.setFault({ mode: "accept-drop", scope: "all" });
    await expect(w.evo("GET", `/instance/connectionState/${instanceName}`)).rejects.toThrow("Network connection lost.");
    await expect(
      w.evo("POST", `/message/sendMedia/${instanceName}`, { number: NUMBER, mediatype: "image", media: "https://x.example.com/a.jpg", caption: "foto" }),
    ).rejects.toThrow(TypeError);
    expect(w.sim.accepted(instanceName)).toMatchObject([{ route: "sendMedia", caption: "foto", fault: "accept-drop" }]);
    expect(w.sim.accepted(instanceName)[0]).not.toHaveProperty("text");
  });
});

describe("bad fault input", () => {
  it("answers 400 over HTTP and throws from setFault", async () => {
    const w = wire();
    for (const body of [
      { mode: "explode" },
      {},
      { mode: "refuse", count: 0 },
      { mode: "refuse", count: 1.5 },
      { mode: "refuse", for_ms: -1 },
      { mode: "refuse", count: 1, for_ms: 100 },
      { mode: "refuse", scope: "everything" },
      { mode: "refuse", forMs: 100 },
      "{not json",
    ]) {
      const res = await control(w.sim, "POST", "/faults", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json()).toHaveProperty("error");
    }
    expect(w.sim.fault().mode).toBe("none");
    expect(() => w.sim.setFault({ mode: "hang", count: 1, forMs: 5 })).toThrow(/not both/);
    expect(() => w.sim.setFault({ mode: "hang", count: 0 })).toThrow(/count/);
  });
});

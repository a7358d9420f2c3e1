// The control surface: fail-next-N sends, duplicated/reordered deliveries, delivery retries, and
// the same operations over the /_sim JSON API and page.
import { describe, expect, it } from "vitest";
import { createInstance, setup } from "./sim-helpers";

const control = (sim: { app: { fetch: (r: Request) => Response | Promise<Response> } }, method: string, path: string, body?: unknown) =>
  sim.app.fetch(
    new Request(`http://evolution.test/_sim${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

describe("fail next N sends", () => {
  it("fails exactly N valid sends with the chosen status, then recovers", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    ctx.sim.failNextSends(ref.instanceName, 2, 503);
    const first = await ctx.client.sendText(ref, { number: "5511988887777", text: "a" }).catch((e: unknown) => e);
    // 503 is retryable, so the client's second attempt consumes the second failure; the third goes through.
    expect(first).not.toBeInstanceOf(Error);
    const statuses = ctx.sim.sends(ref.instanceName).map((s) => s.status);
    expect(statuses).toEqual([503, 503, 201]);
    const res = await control(ctx.sim, "POST", `/instances/${ref.instanceName}/fail-sends`, { count: 1, status: 400, message: "nope" });
    expect(await res.json()).toEqual({ remaining: 1, status: 400, message: "nope" });
    await expect(ctx.client.sendText(ref, { number: "5511988887777", text: "b" })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("nope"),
    });
    await ctx.client.sendText(ref, { number: "5511988887777", text: "c" });
    await ctx.sim.idle();
    expect(ctx.events("send.message")).toHaveLength(2);
  });
});

describe("delivery chaos", () => {
  it("duplicates every delivery N extra times", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    ctx.sim.setNetwork({ duplicate: 2 });
    await ctx.sim.inject(ref.instanceName, { from: "5511977776666", text: "dup" });
    await ctx.sim.idle();
    const upserts = ctx.events("messages.upsert");
    expect(upserts).toHaveLength(3);
    expect(new Set(upserts.map((u) => JSON.stringify(u.body))).size).toBe(1);
    expect(ctx.sim.deliveries({ event: "messages.upsert" }).map((a) => a.copy)).toEqual([0, 1, 2]);
  });

  it("holds deliveries and releases them in reverse order", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    ctx.sim.setNetwork({ hold: true });
    await ctx.sim.inject(ref.instanceName, [
      { from: "5511977776666", text: "first" },
      { from: "5511977776666", text: "second" },
    ]);
    await ctx.sim.idle();
    expect(ctx.events("messages.upsert")).toHaveLength(0);
    expect(ctx.sim.network().held).toBe(2);
    ctx.sim.setNetwork({ hold: false });
    expect(ctx.sim.release("reverse")).toBe(2);
    await ctx.sim.idle();
    expect(ctx.events("messages.upsert").map((d) => (d.body.data as { message: { conversation: string } }).message.conversation)).toEqual(["second", "first"]);
  });

  it("retries failed deliveries except 400/401/403/404/422", async () => {
    let calls = 0;
    const ctx = setup({
      respond: (d) => {
        if (d.body.event === "connection.update" && (d.body.data as { state: string }).state === "open") return new Response("unauthorized", { status: 401 });
        if (d.body.event === "messages.upsert" && ++calls < 3)
          return calls === 1 ? new Response("busy", { status: 500 }) : Promise.reject(new TypeError("connection refused"));
        return new Response("ok");
      },
    });
    const ref = await createInstance(ctx, { open: true });
    await ctx.sim.inject(ref.instanceName, { from: "5511977776666", text: "retry me" });
    await ctx.sim.idle();
    expect(ctx.sim.deliveries({ event: "messages.upsert" }).map((a) => [a.attempt, a.status, a.error ?? null])).toEqual([
      [1, 500, null],
      [2, null, "connection refused"],
      [3, 200, null],
    ]);
    expect(ctx.sim.deliveries({ event: "connection.update", instance: ref.instanceName }).filter((a) => a.status === 401)).toHaveLength(1);
  });
});

describe("/_sim JSON API and page", () => {
  it("scans, injects, lists sends and deliveries, and resets over HTTP", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx);
    const page = await control(ctx.sim, "GET", "");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("Evolution API simulator");
    const [listed] = (await (await control(ctx.sim, "GET", "/instances")).json()) as Array<{ name: string; state: string; qr: { base64: string } | null }>;
    expect(listed).toMatchObject({ name: ref.instanceName, state: "connecting", qr: { base64: expect.stringMatching(/^data:image\/png;base64,/) } });
    const scanned = await control(ctx.sim, "POST", `/instances/${ref.instanceName}/scan`, { profileName: "Loja" });
    expect(await scanned.json()).toMatchObject({ state: "open", profileName: "Loja" });
    expect((await control(ctx.sim, "POST", `/instances/${ref.instanceName}/scan`, {})).status).toBe(409);
    const injected = await control(ctx.sim, "POST", `/instances/${ref.instanceName}/inbound`, {
      messages: [
        { from: "5511977776666", pushName: "Zé", text: "oi" },
        { from: "5511977776666", media: { type: "sticker" } },
      ],
    });
    expect(injected.status).toBe(201);
    expect(((await injected.json()) as { messages: unknown[] }).messages).toHaveLength(2);
    expect((await control(ctx.sim, "POST", `/instances/${ref.instanceName}/inbound`, { text: "no sender" })).status).toBe(400);
    await ctx.client.sendText(ref, { number: "5511977776666", text: "resposta" });
    const sends = (await (await control(ctx.sim, "GET", `/instances/${ref.instanceName}/sends`)).json()) as Array<{ body: unknown }>;
    expect(sends.map((s) => s.body)).toEqual([{ number: "5511977776666", text: "resposta" }]);
    await ctx.sim.idle();
    const deliveries = (await (await control(ctx.sim, "GET", `/deliveries?instance=${ref.instanceName}&event=messages.upsert`)).json()) as unknown[];
    expect(deliveries).toHaveLength(2);
    await control(ctx.sim, "POST", `/instances/${ref.instanceName}/disconnect`, {});
    await ctx.sim.idle();
    expect(ctx.events("logout.instance")).toHaveLength(1);
    expect((await control(ctx.sim, "GET", "/instances/nope")).status).toBe(404);
    await control(ctx.sim, "POST", "/reset");
    expect(await (await control(ctx.sim, "GET", "/instances")).json()).toEqual([]);
  });
});

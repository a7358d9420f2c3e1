import { describe, expect, it } from "vitest";
import type { EvolutionClientOptions } from "../../platform/evolution/client";
import { createEvolutionClient, EvolutionError, evolutionClientFromEnv, WEBHOOK_EVENTS } from "../../platform/evolution/client";

type Seen = { url: string; method: string; apikey: string | null; body: unknown };
const REF = { instanceName: "shop one", token: "INSTANCE-TOKEN-123" };
const SENT = {
  key: { remoteJid: "5511999998888@s.whatsapp.net", fromMe: true, id: "3EB0ABC" },
  status: "PENDING",
  message: { conversation: "hi" },
  messageType: "conversation",
  messageTimestamp: 1760000000,
  instanceId: "i",
  source: "web",
  extra: 1,
};

/** A client over a scripted fetch: each call takes the next reply (a Response, or an Error to throw). */
function scripted(replies: Array<Response | Error | ((init: RequestInit) => Promise<Response>)>, opts: Partial<EvolutionClientOptions> = {}) {
  const seen: Seen[] = [];
  const lines: string[] = [];
  const client = createEvolutionClient({
    baseUrl: "https://evo.example.com/",
    globalKey: "GLOBAL-KEY-XYZ",
    retryBaseMs: 1,
    log: (l) => lines.push(l),
    ...opts,
    fetch: async (input, init = {}) => {
      const headers = new Headers(init.headers);
      seen.push({
        url: String(input),
        method: init.method ?? "GET",
        apikey: headers.get("apikey"),
        body: init.body ? JSON.parse(String(init.body)) : undefined,
      });
      const next = replies.shift();
      if (!next) throw new Error("no scripted reply left");
      if (next instanceof Error) throw next;
      return typeof next === "function" ? next(init) : next;
    },
  });
  return { client, seen, lines };
}

const json = (body: unknown, status = 200) => Response.json(body, { status });
const envelope = (status: number, message: unknown[]) => json({ status, error: "Bad Request", response: { message } }, status);

describe("request bodies and apikey choice (EVOLUTION.md §2, §8)", () => {
  it("creates with the global key and the nested webhook object listing events explicitly", async () => {
    const { client, seen } = scripted([
      json({ instance: { instanceName: "shop", instanceId: "u1", status: "connecting" }, hash: "TOKEN-1", qrcode: { count: 0 }, more: true }, 201),
    ]);
    const res = await client.createInstance({
      instanceName: "shop",
      number: "+55 (11) 99999-8888",
      webhook: { url: "https://crm.example.com/webhooks/ins_1", headers: { "x-parley-secret": "s" } },
    });
    expect(seen[0]).toEqual({
      url: "https://evo.example.com/instance/create",
      method: "POST",
      apikey: "GLOBAL-KEY-XYZ",
      body: {
        instanceName: "shop",
        integration: "WHATSAPP-BAILEYS",
        qrcode: true,
        number: "5511999998888",
        webhook: {
          url: "https://crm.example.com/webhooks/ins_1",
          byEvents: false,
          base64: false,
          headers: { "x-parley-secret": "s" },
          events: [...WEBHOOK_EVENTS],
        },
      },
    });
    expect(WEBHOOK_EVENTS).toEqual([
      "QRCODE_UPDATED",
      "CONNECTION_UPDATE",
      "MESSAGES_UPSERT",
      "MESSAGES_UPDATE",
      "MESSAGES_DELETE",
      "SEND_MESSAGE",
      "LOGOUT_INSTANCE",
      "REMOVE_INSTANCE",
      "INSTANCE_DELETE",
      "STATUS_INSTANCE",
    ]);
    expect(res.hash).toBe("TOKEN-1");
    expect(res.qrcode).toEqual({ count: 0 });
  });

  it("uses the instance token on every later call, with v2 paths and flat bodies", async () => {
    const ok = { status: "SUCCESS", error: false, response: { message: "Instance logged out" } };
    const row = { url: "https://x.example.com/h", enabled: true, events: ["QRCODE_UPDATED"], headers: {}, webhookByEvents: false };
    const { client, seen } = scripted([
      json({ pairingCode: "ABCD1234", code: "2@x", base64: "data:image/png;base64,AAAA", count: 1 }),
      json({ instance: { instanceName: "shop one", state: "open" } }),
      json(row, 201),
      json(SENT, 201),
      json(ok),
      json(ok),
    ]);
    expect(await client.connect(REF, { number: "+55 11 99999-8888" })).toEqual({
      open: false,
      qrcode: { pairingCode: "ABCD1234", code: "2@x", base64: "data:image/png;base64,AAAA", count: 1 },
    });
    expect((await client.connectionState(REF)).instance.state).toBe("open");
    await client.setWebhook(REF, { url: "https://x.example.com/h", headers: { "x-parley-secret": "s" }, events: ["QRCODE_UPDATED"] });
    await client.sendText(REF, { number: "5511999998888", text: "hi" });
    await client.logout(REF);
    await client.deleteInstance(REF);
    expect(seen.map((s) => `${s.method} ${s.url.replace("https://evo.example.com", "")}`)).toEqual([
      "GET /instance/connect/shop%20one?number=5511999998888",
      "GET /instance/connectionState/shop%20one",
      "POST /webhook/set/shop%20one",
      "POST /message/sendText/shop%20one",
      "DELETE /instance/logout/shop%20one",
      "DELETE /instance/delete/shop%20one",
    ]);
    expect(seen.every((s) => s.apikey === "INSTANCE-TOKEN-123")).toBe(true);
    expect(seen[2]?.body).toEqual({
      webhook: {
        enabled: true,
        url: "https://x.example.com/h",
        headers: { "x-parley-secret": "s" },
        byEvents: false,
        base64: false,
        events: ["QRCODE_UPDATED"],
      },
    });
    expect(seen[3]?.body).toEqual({ number: "5511999998888", text: "hi" });
  });

  it("strips a data: URL to raw base64 and always names documents with an extension", async () => {
    const { client, seen } = scripted([json(SENT, 201), json(SENT, 201), json(SENT, 201), json(SENT, 201)]);
    await client.sendMedia(REF, { number: "5511999998888", mediatype: "document", media: "data:application/pdf;base64,JVBERi0xLjQK", caption: "invoice" });
    await client.sendMedia(REF, { number: "5511999998888", mediatype: "document", media: "https://files.example.com/docs/report.xlsx" });
    await client.sendMedia(REF, { number: "5511999998888", mediatype: "image", media: "data:image/png;base64,iVBORw0KGgo=", fileName: "photo" });
    await client.sendWhatsAppAudio(REF, { number: "5511999998888", audio: "data:audio/ogg;base64,T2dnUw==" });
    expect(seen[0]?.body).toEqual({
      number: "5511999998888",
      mediatype: "document",
      media: "JVBERi0xLjQK",
      mimetype: "application/pdf",
      fileName: "document.pdf",
      caption: "invoice",
    });
    expect(seen[1]?.body).toEqual({
      number: "5511999998888",
      mediatype: "document",
      media: "https://files.example.com/docs/report.xlsx",
      fileName: "report.xlsx",
    });
    expect(seen[2]?.body).toMatchObject({ media: "iVBORw0KGgo=", mimetype: "image/png", fileName: "photo.png" });
    expect(seen[3]?.body).toEqual({ number: "5511999998888", audio: "T2dnUw==" });
    expect(JSON.stringify(seen.map((s) => s.body))).not.toContain("data:");
  });

  it("asks for media by key.id and accepts the 201 answer", async () => {
    const { client, seen } = scripted([
      json({ mediaType: "imageMessage", fileName: "a.png", mimetype: "image/png", base64: "iVBORw0KGgo=", buffer: null }, 201),
    ]);
    const media = await client.getBase64FromMediaMessage(REF, "MSG1");
    expect(seen[0]?.body).toEqual({ message: { key: { id: "MSG1" } }, convertToMp4: false });
    expect(media.base64).toBe("iVBORw0KGgo=");
  });
});

describe("errors", () => {
  it("treats HTTP 200 {error:true} from connect and restart as an EvolutionError", async () => {
    const { client } = scripted([json({ error: true, message: "[object Object]" }), json({ error: true, message: "boom" })]);
    const err = await client.connect(REF).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EvolutionError);
    expect(err).toMatchObject({ status: 200, retryable: false, path: "/instance/connect/shop%20one" });
    await expect(client.restart(REF)).rejects.toThrow(/boom/);
  });

  it("turns the error envelope into a readable message and does not retry 4xx", async () => {
    const { client, seen } = scripted([
      envelope(400, ['instance requires property "text"']),
      envelope(400, [{ jid: "5511999998888@s.whatsapp.net", exists: false, number: "5511999998888" }]),
    ]);
    const err = await client.sendText(REF, { number: "5511999998888", text: "x" }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "EvolutionError", status: 400, retryable: false });
    expect((err as Error).message).toContain('instance requires property "text"');
    await expect(client.sendText(REF, { number: "5511999998888", text: "x" })).rejects.toThrow("5511999998888 is not on WhatsApp");
    expect(seen).toHaveLength(2);
  });

  it("retries 5xx and network errors with backoff, then succeeds", async () => {
    const { client, seen } = scripted([
      json({ status: 500, error: "Internal Server Error", response: { message: ["db"] } }, 500),
      new TypeError("Network connection lost"),
      json({ instance: { instanceName: "shop one", state: "open" } }),
    ]);
    expect((await client.connectionState(REF)).instance.state).toBe("open");
    expect(seen).toHaveLength(3);
  });

  it("gives up after the configured attempts with a retryable error", async () => {
    const { client, seen } = scripted([json({}, 502), json({}, 503)], { retries: 2 });
    await expect(client.connectionState(REF)).rejects.toMatchObject({ status: 503, retryable: true });
    expect(seen).toHaveLength(2);
  });

  it("times out through AbortSignal.timeout and does not re-send a timed-out message", async () => {
    const hang = (init: RequestInit) => new Promise<Response>((_, reject) => init.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    const slow = scripted([hang, hang], { timeoutMs: 20, retries: 2 });
    await expect(slow.client.connectionState(REF)).rejects.toMatchObject({
      status: 0,
      retryable: true,
      message: expect.stringMatching(/timed out after 20 ms/),
    });
    expect(slow.seen).toHaveLength(2);
    const send = scripted([hang, hang], { sendTimeoutMs: 20, retries: 2 });
    await expect(send.client.sendText(REF, { number: "5511999998888", text: "x" })).rejects.toMatchObject({ status: 0, retryable: false });
    expect(send.seen).toHaveLength(1);
  });

  it("rejects a response of the wrong shape (a v1 hash object)", async () => {
    const { client } = scripted([json({ instance: { instanceName: "a" }, hash: { apikey: "k" } }, 201)]);
    await expect(client.createInstance({ instanceName: "a", webhook: { url: "https://x.example.com" } })).rejects.toThrow(/unexpected response: hash/);
  });
});

describe("logging", () => {
  it("logs request, response and error as JSON lines without keys, tokens or media bytes", async () => {
    const b64 = "A".repeat(4000);
    const { client, lines } = scripted([json({ instance: { instanceName: "a" }, hash: "SECRET-HASH-999" }, 201), json(SENT, 201), envelope(400, ["nope"])]);
    await client.createInstance({
      instanceName: "a",
      token: "MY-TOKEN-777",
      webhook: { url: "https://x.example.com", headers: { authorization: "Bearer top" } },
    });
    await client.sendMedia(REF, { number: "5511999998888", mediatype: "image", media: b64 });
    await client.sendText(REF, { number: "1", text: "x" }).catch(() => undefined);
    const parsed = lines.map((l) => JSON.parse(l) as { phase: string; status?: number; method: string; path: string; ms?: number });
    expect(parsed.map((p) => p.phase)).toEqual(["request", "response", "request", "response", "request", "error"]);
    expect(parsed[1]).toMatchObject({ method: "POST", path: "/instance/create", status: 201, ms: expect.any(Number) });
    const all = lines.join("\n");
    for (const secret of ["GLOBAL-KEY-XYZ", "INSTANCE-TOKEN-123", "SECRET-HASH-999", "MY-TOKEN-777", "Bearer top", "AAAAAAAAAAAAAAAA"])
      expect(all).not.toContain(secret);
  });
});

describe("evolutionClientFromEnv", () => {
  it("uses EVOLUTION_URL and EVOLUTION_API_KEY", async () => {
    const seen: string[] = [];
    const env = { EVOLUTION_URL: "https://evolution.example.com", EVOLUTION_API_KEY: "env-key" } as unknown as Env;
    const client = evolutionClientFromEnv(env, {
      log: () => undefined,
      fetch: async (input, init) => {
        seen.push(`${String(input)} ${new Headers(init?.headers).get("apikey")}`);
        return json({ instance: { instanceName: "a" }, hash: "h" }, 201);
      },
    });
    await client.createInstance({ instanceName: "a", webhook: { url: "https://x.example.com" } });
    expect(seen).toEqual(["https://evolution.example.com/instance/create env-key"]);
  });
});

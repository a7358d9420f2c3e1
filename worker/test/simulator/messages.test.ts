// Sends (send.message + messages.update acks) and injected inbound messages (messages.upsert,
// media served by getBase64FromMediaMessage) — EVOLUTION.md §2.9–2.14, §4.3–4.5.
import { describe, expect, it } from "vitest";
import { base64ToBytes, PNG_SIGNATURE } from "../../../simulator/png";
import { createInstance, evo, setup } from "./sim-helpers";

type Upsert = {
  key: { remoteJid: string; fromMe: boolean; id: string; participant?: string; remoteJidAlt?: string };
  pushName: string;
  status: string;
  message: Record<string, Record<string, unknown> | string>;
  messageType: string;
  messageTimestamp: number;
  instanceId: string;
  source: string;
};

describe("sends", () => {
  it("answers 201 with the message, then delivers send.message and PENDING→SERVER_ACK→DELIVERY_ACK→READ updates", async () => {
    const ctx = setup({ now: () => 1_760_000_000_123 });
    const ref = await createInstance(ctx, { open: true });
    const sent = await ctx.client.sendText(ref, { number: "+55 11 98888-7777", text: "Olá!" });
    expect(sent).toMatchObject({
      key: { remoteJid: "5511988887777@s.whatsapp.net", fromMe: true, id: expect.stringMatching(/^3EB0/) },
      status: "PENDING",
      message: { conversation: "Olá!" },
      messageType: "conversation",
      messageTimestamp: 1_760_000_000,
      source: "web",
    });
    await ctx.sim.idle();
    expect(ctx.events("send.message")[0]?.body.data).toEqual(sent);
    const updates = ctx.events("messages.update").map((d) => d.body.data as { keyId: string; remoteJid: string; fromMe: boolean; status: string });
    expect(updates.map((u) => u.status)).toEqual(["SERVER_ACK", "DELIVERY_ACK", "READ"]);
    expect(updates.every((u) => u.keyId === sent.key.id && u.fromMe && u.remoteJid === sent.key.remoteJid)).toBe(true);
    expect(ctx.sim.sends(ref.instanceName)).toEqual([
      { at: expect.any(String), route: "sendText", body: { number: "+55 11 98888-7777", text: "Olá!" }, status: 201, keyId: sent.key.id },
    ]);
    const found = await ctx.client.findMessages(ref, { where: { key: { id: sent.key.id } } });
    expect(found.records[0]?.MessageUpdate?.map((u) => u.status)).toEqual(["SERVER_ACK", "DELIVERY_ACK", "READ"]);
  });

  it("drops the Brazilian 9th digit like createJid, and refuses numbers not on WhatsApp", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    expect((await ctx.client.sendText(ref, { number: "5531988887777", text: "x" })).key.remoteJid).toBe("553188887777@s.whatsapp.net");
    ctx.sim.markUnregistered(["5511977776666"]);
    expect(await ctx.client.whatsappNumbers(ref, ["5511977776666", "5511988887777"])).toEqual([
      { jid: "5511977776666@s.whatsapp.net", exists: false, number: "5511977776666" },
      { jid: "5511988887777@s.whatsapp.net", exists: true, number: "5511988887777" },
    ]);
    await expect(ctx.client.sendText(ref, { number: "5511977776666", text: "x" })).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("5511977776666 is not on WhatsApp"),
    });
  });

  it("sends media with the client's cleaned body and serves sent base64 back", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    const sent = await ctx.client.sendMedia(ref, {
      number: "5511988887777",
      mediatype: "document",
      media: "data:application/pdf;base64,JVBERi0xLjQK",
      caption: "Invoice",
    });
    expect(sent.messageType).toBe("documentMessage");
    expect(sent.message?.documentMessage).toMatchObject({ fileName: "document.pdf", mimetype: "application/pdf", caption: "Invoice" });
    const media = await ctx.client.getBase64FromMediaMessage(ref, sent.key.id);
    expect(media).toMatchObject({ mediaType: "documentMessage", base64: "JVBERi0xLjQK", mimetype: "application/pdf" });
    const audio = await ctx.client.sendWhatsAppAudio(ref, { number: "5511988887777", audio: "https://cdn.example.com/v.ogg" });
    expect(audio.message?.audioMessage).toMatchObject({ ptt: true, mimetype: "audio/ogg; codecs=opus" });
  });
});

describe("inbound messages", () => {
  it("delivers text as messages.upsert shaped like §4.3", async () => {
    const ctx = setup({ now: () => 1_760_000_500_000 });
    const ref = await createInstance(ctx, { open: true });
    await ctx.sim.inject(ref.instanceName, { from: "+55 11 97777-6666", pushName: "Maria", text: "Oi, tudo bem?" });
    await ctx.sim.idle();
    const upsert = ctx.events("messages.upsert")[0];
    const data = upsert?.body.data as Upsert;
    expect(upsert?.body.sender).toBe("5511999990000@s.whatsapp.net");
    expect(data).toMatchObject({
      key: { remoteJid: "5511977776666@s.whatsapp.net", fromMe: false, id: expect.any(String) },
      pushName: "Maria",
      status: "DELIVERY_ACK",
      message: { conversation: "Oi, tudo bem?" },
      messageType: "conversation",
      messageTimestamp: 1_760_000_500,
      instanceId: ctx.sim.instance(ref.instanceName).id,
    });
  });

  it("addresses by @lid with the phone JID in remoteJidAlt, and by group with a participant", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    const [lid, group] = await ctx.sim.inject(ref.instanceName, [
      { from: "5511977776666", pushName: "Lid", text: "hi", lid: true },
      { from: "5511955554444", pushName: "G", text: "all", group: "120363000000000001@g.us" },
    ]);
    expect(lid?.key).toMatchObject({ remoteJid: expect.stringMatching(/^\d+@lid$/), remoteJidAlt: "5511977776666@s.whatsapp.net" });
    expect(group?.key).toMatchObject({ remoteJid: "120363000000000001@g.us", participant: "5511955554444@s.whatsapp.net" });
  });

  it("injects media with realistic message objects and serves the bytes by key.id", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx, { open: true });
    const [image, voice, doc] = await ctx.sim.inject(ref.instanceName, [
      { from: "5511977776666", pushName: "Ana", media: { type: "image", caption: "look" } },
      { from: "5511977776666", media: { type: "audio" } },
      { from: "5511977776666", media: { type: "document", base64: "JVBERi0xLjcK", mimetype: "application/pdf", fileName: "quote.pdf" } },
    ]);
    await ctx.sim.idle();
    const upserts = ctx.events("messages.upsert").map((d) => d.body.data as Upsert);
    expect(upserts.map((u) => u.messageType)).toEqual(["imageMessage", "audioMessage", "documentMessage"]);
    expect(upserts[0]?.message.imageMessage).toMatchObject({
      url: expect.stringContaining("mmg.whatsapp.net"),
      mimetype: "image/png",
      caption: "look",
      directPath: expect.any(String),
      mediaKey: expect.any(Object),
    });
    expect(upserts[1]?.message.audioMessage).toMatchObject({ ptt: true, mimetype: "audio/ogg; codecs=opus", seconds: expect.any(Number) });
    expect(upserts[2]?.message.documentMessage).toMatchObject({ fileName: "quote.pdf", title: "quote.pdf" });
    const png = await ctx.client.getBase64FromMediaMessage(ref, image?.key.id ?? "");
    expect(png).toMatchObject({ mediaType: "imageMessage", mimetype: "image/png", caption: "look" });
    expect([...base64ToBytes(png.base64).subarray(0, 8)]).toEqual([...PNG_SIGNATURE]);
    expect((await ctx.client.getBase64FromMediaMessage(ref, { key: { id: voice?.key.id ?? "" } })).base64.length).toBeGreaterThan(10);
    expect((await ctx.client.getBase64FromMediaMessage(ref, doc?.key.id ?? "")).base64).toBe("JVBERi0xLjcK");
    const missing = await evo(ctx.sim, "POST", `/chat/getBase64FromMediaMessage/${ref.instanceName}`, { message: { key: { id: "nope" } } }, ref.token);
    expect(missing.status).toBe(400);
  });

  it("refuses to inject into an instance that is not connected", async () => {
    const ctx = setup();
    const ref = await createInstance(ctx);
    await expect(ctx.sim.inject(ref.instanceName, { from: "5511977776666", text: "x" })).rejects.toThrow(/not connected/);
  });
});

// /message/send* and /chat/* as Evolution v2 (2.3.6) answers them (EVOLUTION.md §2.9–2.14).

import type { Context } from "hono";
import { Hono } from "hono";
import type { SimEngine } from "./engine";
import type { Json } from "./http";
import { checkProps, evoError, guard, isBase64, isObject, isUrl, readBody } from "./http";
import type { MediaKind } from "./messages";
import { byteLengthOfBase64, MESSAGE_TYPE, mediaContent, mimeFromFileName } from "./messages";
import type { MessageRaw, SimInstance, StoredMedia } from "./state";
import { createJid, newMessageId } from "./state";

type Built = { message: Record<string, unknown>; messageType: string; media?: StoredMedia };

export function isOnWhatsapp(sim: SimEngine, number: string): { jid: string; exists: boolean } {
  const jid = createJid(number);
  if (jid === "status@broadcast") return { jid, exists: false };
  if (/@(g\.us|lid|broadcast)$/.test(jid)) return { jid, exists: true };
  const digits = jid.replace(/@.*$/, "");
  return { jid, exists: digits.length >= 8 && digits.length <= 15 && !sim.unregistered.has(digits) };
}

async function handleSend(sim: SimEngine, c: Context, route: string, build: (body: Json) => Built | string[] | Response): Promise<Response> {
  const inst = guard(sim, c, c.req.param("name") ?? "");
  if (inst instanceof Response) return inst;
  const body = await readBody(c);
  const fault = sim.faults.of(c.req.raw);
  const record = (res: Response, keyId?: string) => {
    const at = new Date(sim.now()).toISOString();
    inst.sends.push({ at, route, body: body instanceof Response ? null : body, status: res.status, keyId, ...(fault ? { fault } : {}) });
    return res;
  };
  if (body instanceof Response) return record(body);
  const built = build(body);
  if (built instanceof Response) return record(built);
  if (Array.isArray(built)) return record(evoError(c, 400, built));
  if (inst.state !== "open") return record(evoError(c, 400, "Connection Closed"));
  const number = String(body.number);
  const check = isOnWhatsapp(sim, number);
  if (!check.exists) return record(evoError(c, 400, [{ jid: check.jid, exists: false, number }]));
  if (inst.failSends && inst.failSends.remaining > 0) {
    const { status, message } = inst.failSends;
    if (--inst.failSends.remaining === 0) inst.failSends = null;
    return record(evoError(c, status, message));
  }
  const raw: MessageRaw = {
    key: { remoteJid: check.jid, fromMe: true, id: newMessageId() },
    pushName: "Você",
    status: "PENDING",
    message: built.message,
    messageType: built.messageType,
    messageTimestamp: Math.floor(sim.now() / 1000),
    instanceId: inst.id,
    source: "web",
  };
  sim.recordSent(inst, raw, built.media);
  return record(c.json(raw, 201), raw.key.id);
}

function mediaMessage(kind: MediaKind, media: StoredMedia): Pick<Built, "message" | "messageType" | "media"> {
  const size = media.base64 ? byteLengthOfBase64(media.base64) : 48_213;
  return { message: { [MESSAGE_TYPE[kind]]: mediaContent(kind, media, size) }, messageType: MESSAGE_TYPE[kind], media };
}

export function messageRoutes(sim: SimEngine): Hono {
  const app = new Hono();

  app.post("/message/sendText/:name", (c) =>
    handleSend(sim, c, "sendText", (body) => {
      const errors = checkProps(body, { number: "string", text: "string", delay: "number?", linkPreview: "boolean?" });
      if (errors.length) return errors;
      if (!String(body.text).trim()) return ["Text is required"];
      return { message: { conversation: body.text }, messageType: "conversation" };
    }),
  );

  app.post("/message/sendMedia/:name", (c) =>
    handleSend(sim, c, "sendMedia", (body) => {
      const errors = checkProps(body, {
        number: "string",
        mediatype: "string",
        media: "string?",
        mimetype: "string?",
        fileName: "string?",
        caption: "string?",
      });
      if (errors.length) return errors;
      const kinds = ["image", "document", "video", "audio"];
      if (!kinds.includes(String(body.mediatype))) return [`instance.mediatype is not one of enum values: ${kinds.join(",")}`];
      const kind = body.mediatype as MediaKind;
      const media = typeof body.media === "string" ? body.media : "";
      const b64 = isBase64(media);
      if (b64 && !body.fileName && kind === "document") return evoError(c, 400, "For base64 the file name must be informed.");
      if (!b64 && !isUrl(media)) return evoError(c, 400, "Owned media must be a url or base64");
      // prepareMediaMessage: images become JPEG; a fileName overrides mimetype by extension; a URL
      // document without fileName is named after its path minus the extension (so mimetype "false").
      let fileName = typeof body.fileName === "string" ? body.fileName : undefined;
      if (kind === "image") fileName ??= "image.jpg";
      if (kind === "video") fileName ??= "video.mp4";
      if (kind === "document" && !fileName) fileName = decodeURIComponent(new URL(media).pathname.split("/").pop() ?? "file").replace(/\.[^.]*$/, "");
      const mimetype = kind === "image" ? "image/jpeg" : fileName ? mimeFromFileName(fileName) : String(body.mimetype ?? "audio/mpeg");
      const stored: StoredMedia = {
        ...(b64 ? { base64: media } : { url: media }),
        mimetype,
        fileName: fileName ?? "audio.mp3",
        caption: typeof body.caption === "string" ? body.caption : undefined,
      };
      return { ...mediaMessage(kind, stored) };
    }),
  );

  app.post("/message/sendWhatsAppAudio/:name", (c) =>
    handleSend(sim, c, "sendWhatsAppAudio", (body) => {
      const errors = checkProps(body, { number: "string", audio: "string", delay: "number?", encoding: "boolean?" });
      if (errors.length) return errors;
      const audio = String(body.audio);
      if (!isBase64(audio) && !isUrl(audio)) return evoError(c, 400, "Owned media must be a url, base64, or valid file with buffer");
      const stored: StoredMedia = { ...(isBase64(audio) ? { base64: audio } : { url: audio }), mimetype: "audio/ogg; codecs=opus", fileName: "audio.ogg" };
      return { ...mediaMessage("audio", stored) };
    }),
  );

  app.post("/chat/whatsappNumbers/:name", async (c) => {
    const inst = guard(sim, c, c.req.param("name"));
    if (inst instanceof Response) return inst;
    const body = await readBody(c);
    if (body instanceof Response) return body;
    const numbers = body.numbers;
    if (!Array.isArray(numbers) || numbers.length === 0) return evoError(c, 400, "instance.numbers does not meet minimum length of 1");
    if (new Set(numbers).size !== numbers.length) return evoError(c, 400, "instance.numbers contains duplicate item");
    return c.json(
      numbers.map((n) => {
        const { jid, exists } = isOnWhatsapp(sim, String(n));
        return {
          jid,
          exists,
          number: String(n),
          ...(jid.endsWith("@g.us") ? { name: "Simulated group" } : {}),
          ...(jid.endsWith("@lid") ? { lid: "lid" } : {}),
        };
      }),
    );
  });

  app.post("/chat/getBase64FromMediaMessage/:name", async (c) => {
    const inst = guard(sim, c, c.req.param("name"));
    if (inst instanceof Response) return inst;
    const body = await readBody(c);
    if (body instanceof Response) return body;
    const msg = isObject(body.message) ? body.message : {};
    const id = isObject(msg.key) ? msg.key.id : undefined;
    const stored = typeof id === "string" ? inst.messages.get(id) : undefined;
    if (!stored) return evoError(c, 400, "Message not found");
    if (!stored.media) return evoError(c, 400, "The message is not of the media type");
    if (!stored.media.base64) return evoError(c, 400, "Failed to download media from WhatsApp servers");
    const content = (stored.raw.message[stored.raw.messageType] ?? {}) as Json;
    const mp4 = body.convertToMp4 === true && stored.raw.messageType === "audioMessage";
    return c.json(
      {
        mediaType: stored.raw.messageType,
        fileName: stored.media.fileName,
        caption: stored.media.caption,
        size: { fileLength: content.fileLength, height: content.height, width: content.width },
        mimetype: mp4 ? "audio/mp4" : stored.media.mimetype,
        base64: stored.media.base64,
        buffer: null,
      },
      201,
    );
  });

  app.post("/chat/findMessages/:name", async (c) => {
    const inst = guard(sim, c, c.req.param("name"));
    if (inst instanceof Response) return inst;
    const body = await readBody(c);
    if (body instanceof Response) return body;
    return c.json({ messages: findMessages(inst, body) });
  });

  return app;
}

function findMessages(inst: SimInstance, body: Json) {
  const where = isObject(body.where) ? body.where : {};
  const key = isObject(where.key) ? where.key : {};
  const ts = isObject(where.messageTimestamp) ? where.messageTimestamp : {};
  const range = ts.gte && ts.lte ? [new Date(String(ts.gte)).getTime() / 1000, new Date(String(ts.lte)).getTime() / 1000] : null;
  const rows = [...inst.messages.values()].filter(({ raw }) => {
    if (key.id && raw.key.id !== key.id) return false;
    if (key.remoteJid && raw.key.remoteJid !== key.remoteJid && raw.key.remoteJidAlt !== key.remoteJid) return false;
    if (key.fromMe && !raw.key.fromMe) return false; // fromMe:false is ignored, as in Evolution
    if (where.messageType && raw.messageType !== where.messageType) return false;
    return !range || (raw.messageTimestamp >= (range[0] ?? 0) && raw.messageTimestamp <= (range[1] ?? 0));
  });
  rows.sort((a, b) => b.raw.messageTimestamp - a.raw.messageTimestamp);
  const size = Number(body.offset) > 0 ? Number(body.offset) : 50;
  const page = Number(body.page) > 0 ? Number(body.page) : 1;
  return {
    total: rows.length,
    pages: Math.ceil(rows.length / size),
    currentPage: page,
    records: rows.slice((page - 1) * size, page * size).map(({ raw, updates }) => ({
      id: `sim${raw.key.id.toLowerCase()}`,
      ...raw,
      contextInfo: raw.contextInfo ?? null,
      MessageUpdate: updates.slice(1).map((status) => ({ status })),
    })),
  };
}

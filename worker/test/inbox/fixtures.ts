// Evolution 2.3.6 webhook `data` shapes (EVOLUTION.md §4.3–§4.6) for the inbox tests.
import { env } from "cloudflare:workers";
import { deliver, envelope, eventually, uid } from "../helpers";

export type Inst = { id: string; name: string; secret: string };

/** A fresh Brazilian mobile number (digits only, as in a JID). */
export const phone = () => `55119${String(Math.floor(1e7 + Math.random() * 9e7))}`;
export const keyId = () => `3EB0${uid().toUpperCase()}`;

type UpsertOpts = {
  from?: string;
  id?: string;
  fromMe?: boolean;
  pushName?: string;
  message?: Record<string, unknown>;
  messageType?: string;
  ts?: number;
  remoteJid?: string;
  remoteJidAlt?: string;
};

export function upsert(o: UpsertOpts = {}) {
  const from = o.from ?? phone();
  return {
    key: {
      remoteJid: o.remoteJid ?? `${from}@s.whatsapp.net`,
      fromMe: o.fromMe ?? false,
      id: o.id ?? keyId(),
      ...(o.remoteJidAlt ? { remoteJidAlt: o.remoteJidAlt } : {}),
    },
    pushName: o.pushName ?? "Ana Souza",
    status: o.fromMe ? "SERVER_ACK" : "DELIVERY_ACK",
    message: o.message ?? { conversation: "Olá, tudo bem?" },
    messageType: o.messageType ?? "conversation",
    messageTimestamp: o.ts ?? 1763900000,
    instanceId: "0b8f0c2e-uuid",
    source: "android",
  };
}

const opaque = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [String(i), i % 256]));
const media = (mimetype: string, extra: Record<string, unknown> = {}) => ({
  url: "https://mmg.whatsapp.net/v/t62.7118-24/1_2_n.enc?ccb=11-4",
  mimetype,
  fileSha256: opaque(32),
  fileLength: { low: 48213, high: 0, unsigned: true },
  mediaKey: opaque(32),
  directPath: "/v/t62.7118-24/1_2_n.enc?ccb=11-4",
  ...extra,
});

/** Every message kind of §4.4, with what the inbox should store for it. */
export const KINDS: {
  name: string;
  message: Record<string, unknown>;
  messageType: string;
  type: string;
  content?: string | RegExp;
  caption?: string;
  mime?: string;
  preview: string | RegExp;
}[] = [
  { name: "text", message: { conversation: "Oi!" }, messageType: "conversation", type: "text", content: "Oi!", preview: "Oi!" },
  {
    name: "extended text",
    message: { extendedTextMessage: { text: "Veja https://x.y" } },
    messageType: "extendedTextMessage",
    type: "text",
    content: "Veja https://x.y",
    preview: "Veja https://x.y",
  },
  {
    name: "image",
    message: { imageMessage: media("image/jpeg", { caption: "foto", height: 64, width: 96, jpegThumbnail: opaque(8) }) },
    messageType: "imageMessage",
    type: "image",
    caption: "foto",
    mime: "image/jpeg",
    preview: "[image] foto",
  },
  {
    name: "sticker",
    message: { stickerMessage: media("image/webp", { isAnimated: false }) },
    messageType: "stickerMessage",
    type: "image",
    mime: "image/webp",
    preview: "[image]",
  },
  {
    name: "voice note",
    message: { audioMessage: media("audio/ogg; codecs=opus", { seconds: 4, ptt: true }) },
    messageType: "audioMessage",
    type: "audio",
    mime: "audio/ogg; codecs=opus",
    preview: "[audio]",
  },
  {
    name: "video",
    message: { videoMessage: media("video/mp4", { seconds: 3 }) },
    messageType: "videoMessage",
    type: "video",
    mime: "video/mp4",
    preview: "[video]",
  },
  {
    name: "document",
    message: { documentMessage: media("application/pdf", { fileName: "nota.pdf", title: "nota.pdf", pageCount: 1 }) },
    messageType: "documentMessage",
    type: "document",
    mime: "application/pdf",
    preview: "[document]",
  },
  {
    name: "location",
    message: { locationMessage: { degreesLatitude: -23.55, degreesLongitude: -46.63, name: "Loja", address: "Av. Paulista" } },
    messageType: "locationMessage",
    type: "text",
    content: "[location] Loja, Av. Paulista (-23.55, -46.63)",
    preview: /^\[location\]/,
  },
  {
    name: "contact card",
    message: { contactMessage: { displayName: "Bruno", vcard: "BEGIN:VCARD…" } },
    messageType: "contactMessage",
    type: "text",
    content: "[contact] Bruno",
    preview: "[contact] Bruno",
  },
  {
    name: "reaction",
    message: { reactionMessage: { key: { id: "X" }, text: "👍" } },
    messageType: "reactionMessage",
    type: "text",
    content: "[reaction] 👍",
    preview: "[reaction] 👍",
  },
  {
    name: "poll",
    message: { pollCreationMessageV3: { name: "Horário?", options: [{ optionName: "9h" }, { optionName: "14h" }], selectableOptionsCount: 1 } },
    messageType: "pollCreationMessageV3",
    type: "text",
    content: "[poll] Horário?: 9h / 14h",
    preview: /^\[poll\]/,
  },
  {
    name: "ephemeral text",
    message: { ephemeralMessage: { message: { extendedTextMessage: { text: "some" } } } },
    messageType: "ephemeralMessage",
    type: "text",
    content: "some",
    preview: "some",
  },
];

export const send = (inst: Inst, event: string, data: unknown) => deliver(inst, envelope(inst.name, event, data));

export async function eventRow(instanceId: string, dedupeStart: string) {
  return env.DB.prepare("SELECT * FROM webhook_events WHERE instance_id = ? AND dedupe_key LIKE ? ORDER BY received_at DESC")
    .bind(instanceId, `${dedupeStart}%`)
    .first<{ status: string; error: string | null; deliveries: number }>();
}

export const settled = (instanceId: string, dedupeStart: string) =>
  eventually(async () => {
    const r = await eventRow(instanceId, dedupeStart);
    return r && r.status !== "received" ? r : null;
  });

export type MessageDb = {
  id: string;
  conversation_id: string;
  type: string;
  from_me: number;
  content: string | null;
  caption: string | null;
  mime_type: string | null;
  file_name: string | null;
  status: string;
  sender: string;
  timestamp: number;
  deleted_at: number | null;
  external_id: string | null;
  media_key: string | null;
  error: string | null;
};

export const messagesByExternal = (instanceId: string, externalId: string) =>
  env.DB.prepare("SELECT * FROM messages WHERE instance_id = ? AND external_id = ?")
    .bind(instanceId, externalId)
    .all<MessageDb>()
    .then((r) => r.results);

export const messageByExternal = (instanceId: string, externalId: string) => eventually(async () => (await messagesByExternal(instanceId, externalId))[0]);

export const conversationRow = (id: string) =>
  env.DB.prepare("SELECT * FROM conversations WHERE id = ?").bind(id).first<{
    id: string;
    status: string;
    unread_count: number;
    last_message_content: string;
    last_message_at: number;
    contact_id: string;
    instance_id: string;
  }>();

export const contactByNumber = (e164: string) =>
  env.DB.prepare("SELECT * FROM contacts WHERE whatsapp_number = ?")
    .bind(e164)
    .first<{ id: string; name: string | null; whatsapp_number: string; country: string | null }>();

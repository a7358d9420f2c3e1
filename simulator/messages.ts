// WhatsApp message objects shaped like Evolution 2.3.6 emits them (EVOLUTION.md §4.3–4.4),
// including the opaque forms: Uint8Array fields as {"0":n,…} objects and fileLength as a Long.
import { base64ToBytes, bytesToBase64, samplePng } from "./png";
import type { StoredMedia } from "./state";

export type MediaKind = "image" | "video" | "audio" | "document" | "sticker";

export const MESSAGE_TYPE: Record<MediaKind, string> = {
  image: "imageMessage",
  video: "videoMessage",
  audio: "audioMessage",
  document: "documentMessage",
  sticker: "stickerMessage",
};

const EXT_MIME: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  mp4: "video/mp4",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  zip: "application/zip",
};

/** mime-types lookup by extension; Evolution stores the literal "false" when it finds none. */
export function mimeFromFileName(fileName: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (ext && EXT_MIME[ext]) || "false";
}

const opaque = (bytes: Uint8Array) => Object.fromEntries(Array.from(bytes, (b, i) => [String(i), b]));
const long = (n: number) => ({ low: n, high: 0, unsigned: true });

/** The media part of a message (imageMessage, audioMessage, …) as Baileys 7 + Evolution 2.3.6 serialise it. */
export function mediaContent(kind: MediaKind, media: StoredMedia, size: number): Record<string, unknown> {
  const path = `/v/t62.7118-24/${Math.floor(Math.random() * 1e9)}_${Math.floor(Math.random() * 1e9)}_n.enc`;
  const common = {
    url: `https://mmg.whatsapp.net${path}?ccb=11-4&oh=01_sim&oe=68000000&_nc_sid=5e03e0&mms3=true`,
    mimetype: media.mimetype,
    fileSha256: opaque(crypto.getRandomValues(new Uint8Array(32))),
    fileLength: long(size),
    mediaKey: opaque(crypto.getRandomValues(new Uint8Array(32))),
    fileEncSha256: opaque(crypto.getRandomValues(new Uint8Array(32))),
    directPath: `${path}?ccb=11-4&oh=01_sim&oe=68000000&_nc_sid=5e03e0`,
    mediaKeyTimestamp: long(Math.floor(Date.now() / 1000)),
  };
  const caption = media.caption ? { caption: media.caption } : {};
  switch (kind) {
    case "image":
      return { ...common, ...caption, height: 64, width: 96, jpegThumbnail: opaque(new Uint8Array([255, 216, 255, 224])) };
    case "video":
      return { ...common, ...caption, seconds: 3, height: 320, width: 240, gifPlayback: false };
    case "audio":
      return { ...common, seconds: 4, ptt: true, waveform: opaque(new Uint8Array(64).fill(12)) };
    case "document":
      return { ...common, ...caption, title: media.fileName, fileName: media.fileName, pageCount: 1 };
    case "sticker":
      return { ...common, height: 64, width: 64, isAnimated: false, isAvatar: false, isAiSticker: false, isLottie: false };
  }
}

const enc = new TextEncoder();
const SAMPLE_PDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/** Bytes and metadata for an injected inbound media message (a generated PNG for images). */
export async function sampleMedia(kind: MediaKind, seed: number): Promise<{ bytes: Uint8Array; mimetype: string; ext: string }> {
  switch (kind) {
    case "image":
      return { bytes: await samplePng(96, 64, seed), mimetype: "image/png", ext: "png" };
    case "sticker":
      return {
        bytes: concat(enc.encode("RIFF"), new Uint8Array([26, 0, 0, 0]), enc.encode("WEBPVP8 "), new Uint8Array(14)),
        mimetype: "image/webp",
        ext: "webp",
      };
    case "audio":
      return {
        bytes: concat(enc.encode("OggS"), new Uint8Array(24), enc.encode("OpusHead"), new Uint8Array([1, 1, 56, 1, 128, 187, 0, 0, 0, 0, 0])),
        mimetype: "audio/ogg; codecs=opus",
        ext: "ogg",
      };
    case "video":
      return { bytes: concat(new Uint8Array([0, 0, 0, 24]), enc.encode("ftypmp42"), new Uint8Array(12)), mimetype: "video/mp4", ext: "mp4" };
    case "document":
      return { bytes: enc.encode(SAMPLE_PDF), mimetype: "application/pdf", ext: "pdf" };
  }
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function byteLengthOfBase64(b64: string): number {
  return base64ToBytes(b64).length;
}

export { bytesToBase64 };

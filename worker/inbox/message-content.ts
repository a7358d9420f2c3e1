// What a WhatsApp message is, for the inbox (EVOLUTION.md §4.4): its type, text, caption and
// media details. Stickers are images; kinds we do not render (location, contact, reaction,
// poll, …) are stored as text with a clear label.
import { isObject } from "../platform/lib/json";
import type { MessageType } from "../shared/inbox";

export type Content = {
  type: MessageType;
  /** Text of a text message (labelled for other kinds); null for media. */
  text: string | null;
  caption: string | null;
  mimeType: string | null;
  fileName: string | null;
  media: boolean;
};

type Obj = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);

const WRAPPERS = ["ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2", "viewOnceMessageV2Extension", "documentWithCaptionMessage", "editedMessage"];
const SKIP = new Set(["messageContextInfo", "base64", "mediaUrl", "speechToText"]);

/** The message inside a wrapper (`{ephemeralMessage: {message}}`), or null. */
const wrapped = (w: unknown): Obj | null => (isObject(w) && isObject(w.message) ? w.message : null);

function unwrap(message: Obj): Obj {
  let m = message;
  for (let i = 0; i < 4; i++) {
    const inner = WRAPPERS.map((w) => wrapped(m[w])).find((x) => x !== null);
    if (!inner) break;
    m = inner;
  }
  return m;
}

function media(type: MessageType, part: Obj, fallbackMime: string | null): Content {
  return { type, text: null, caption: str(part.caption), mimeType: str(part.mimetype) ?? fallbackMime, fileName: str(part.fileName), media: true };
}

const text = (t: string): Content => ({ type: "text", text: t, caption: null, mimeType: null, fileName: null, media: false });

/** null: nothing to show (protocol, placeholder or empty messages). */
export function messageContent(message: unknown, messageType?: string): Content | null {
  if (!isObject(message)) return null;
  const m = unwrap(message);
  const conversation = str(m.conversation);
  if (conversation) return text(conversation);
  const extended = isObject(m.extendedTextMessage) ? str(m.extendedTextMessage.text) : null;
  if (extended) return text(extended);
  const part = (k: string): Obj | null => {
    const v = m[k];
    return isObject(v) ? v : null;
  };
  let p: Obj | null;
  if ((p = part("imageMessage"))) return media("image", p, "image/jpeg");
  if ((p = part("stickerMessage"))) return media("image", p, "image/webp");
  if ((p = part("videoMessage") ?? part("ptvMessage"))) return media("video", p, "video/mp4");
  if ((p = part("audioMessage"))) return media("audio", p, "audio/ogg; codecs=opus");
  if ((p = part("documentMessage"))) return media("document", p, "application/octet-stream");
  if ((p = part("locationMessage") ?? part("liveLocationMessage"))) {
    const where = [str(p.name), str(p.address)].filter(Boolean).join(", ");
    const coords = typeof p.degreesLatitude === "number" && typeof p.degreesLongitude === "number" ? `(${p.degreesLatitude}, ${p.degreesLongitude})` : "";
    return text(`[location] ${[where, coords].filter(Boolean).join(" ")}`.trim());
  }
  if ((p = part("contactMessage"))) return text(`[contact] ${str(p.displayName) ?? "shared contact"}`);
  if ((p = part("contactsArrayMessage"))) {
    const names = Array.isArray(p.contacts) ? p.contacts.map((c) => (isObject(c) ? str(c.displayName) : null)).filter(Boolean) : [];
    return text(`[contacts] ${names.join(", ") || str(p.displayName) || "shared contacts"}`);
  }
  if ((p = part("reactionMessage"))) {
    const reaction = str(p.text);
    return text(reaction ? `[reaction] ${reaction}` : "[reaction removed]");
  }
  if ((p = part("pollCreationMessage") ?? part("pollCreationMessageV2") ?? part("pollCreationMessageV3"))) {
    const options = Array.isArray(p.options) ? p.options.map((o) => (isObject(o) ? str(o.optionName) : null)).filter(Boolean) : [];
    return text(`[poll] ${str(p.name) ?? ""}${options.length ? `: ${options.join(" / ")}` : ""}`.trim());
  }
  if (part("pollUpdateMessage")) return text("[poll vote]");
  if ((p = part("buttonsResponseMessage"))) return text(`[button] ${str(p.selectedDisplayText) ?? str(p.selectedButtonId) ?? ""}`.trim());
  if ((p = part("listResponseMessage"))) return text(`[list reply] ${str(p.title) ?? ""}`.trim());
  if (part("interactiveResponseMessage")) return text("[interactive reply]");
  if (part("protocolMessage") || part("placeholderMessage") || part("senderKeyDistributionMessage")) return null;
  const kind = Object.keys(m).find((k) => !SKIP.has(k)) ?? messageType;
  return kind ? text(`[${kind.replace(/Message$/, "")}]`) : null;
}

/** The conversation list preview: the text, or "[image]" etc. for media. */
export function previewOf(c: { type: MessageType; text: string | null; caption?: string | null }): string {
  if (c.type === "text") return (c.text ?? "").slice(0, 300);
  return `[${c.type}]${c.caption ? ` ${c.caption.slice(0, 200)}` : ""}`;
}

// WhatsApp JIDs (EVOLUTION.md §4.8): the phone JID is whichever of remoteJid / remoteJidAlt ends
// in @s.whatsapp.net (a device suffix `:NN` stripped); a @lid alone is not a phone number.
// Groups, status, broadcast lists and channels are not inbox conversations.
import { plausibleTime } from "../platform/lib/time";

export type ChatKey = { remoteJid?: string | null; remoteJidAlt?: string | null };
export type ResolvedJid = { ok: true; digits: string; jid: string; lid: string | null } | { ok: false; reason: string };

const PHONE = /^(\d{5,20})(?::\d+)?@s\.whatsapp\.net$/;

export function ignoredJidReason(jid: string): string | null {
  if (jid.endsWith("@g.us")) return "group chat (@g.us)";
  if (jid === "status@broadcast") return "status update (status@broadcast)";
  if (jid.endsWith("@broadcast")) return "broadcast list (@broadcast)";
  if (jid.endsWith("@newsletter")) return "channel (@newsletter)";
  return null;
}

export function resolveChatJid(key: ChatKey): ResolvedJid {
  const jids = [key.remoteJid, key.remoteJidAlt].filter((j): j is string => typeof j === "string" && j.length > 0);
  if (jids.length === 0) return { ok: false, reason: "no remoteJid" };
  const ignored = ignoredJidReason(jids[0]!);
  if (ignored) return { ok: false, reason: ignored };
  const lid = jids.find((j) => j.endsWith("@lid")) ?? null;
  for (const j of jids) {
    const m = PHONE.exec(j);
    if (m) return { ok: true, digits: m[1]!, jid: `${m[1]}@s.whatsapp.net`, lid };
  }
  if (lid) return { ok: false, reason: "@lid without a phone JID in remoteJidAlt" };
  return { ok: false, reason: `unsupported JID ${jids[0]!.slice(0, 80)}` };
}

/** Evolution's epoch seconds (number, numeric string or protobuf Long) → epoch ms; `fallback` (the delivery's time) when absent or implausible. */
export function timestampMs(v: unknown, fallback: number): number {
  let s: number | null = null;
  if (typeof v === "number") s = v;
  else if (typeof v === "string" && /^\d+$/.test(v)) s = Number(v);
  else if (v && typeof v === "object" && typeof (v as { low?: unknown }).low === "number") {
    const { low, high } = v as { low: number; high?: number };
    s = (high ?? 0) * 2 ** 32 + (low >>> 0);
  }
  if (s === null || !Number.isFinite(s) || s <= 0) return fallback;
  // Seconds (what Evolution sends); a value already in ms is kept as is.
  const ms = s < 1e11 ? s * 1000 : s;
  // A time no message can have (before 2009, or over a day after its delivery) reads as absent,
  // and the message is kept at the delivery's time: it is a contact's message we must not lose
  // (a 400 would drop it), and stored as sent it would pin its conversation to the top for good
  // (last_message_at only moves forward) — or, past year 275760, fail every list showing it.
  return plausibleTime(ms, fallback) ?? fallback;
}

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

/**
 * Evolution's epoch seconds (number, numeric string or protobuf Long) → epoch ms, or null when it
 * is no time a WhatsApp message can have (before 2009, over a day after `now`) or not a time at
 * all. The webhook edge refuses such a message (webhook-envelope.ts); what was stored before
 * reads it through timestampMs.
 */
export function messageTimeMs(v: unknown, now: number): number | null {
  let s: number | null = null;
  if (typeof v === "number") s = v;
  else if (typeof v === "string" && /^\d+$/.test(v)) s = Number(v);
  else if (v && typeof v === "object" && typeof (v as { low?: unknown }).low === "number") {
    const { low, high } = v as { low: number; high?: number };
    s = (high ?? 0) * 2 ** 32 + (low >>> 0);
  }
  if (s === null || !Number.isFinite(s) || s <= 0) return null;
  // Seconds (what Evolution sends); a value already in ms is kept as is.
  return plausibleTime(s < 1e11 ? s * 1000 : s, now);
}

/** messageTimeMs, or `fallback` (the delivery's time) when absent or implausible. */
export function timestampMs(v: unknown, fallback: number): number {
  return messageTimeMs(v, fallback) ?? fallback;
}

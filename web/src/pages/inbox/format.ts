// Small display helpers for the inbox.
import type { MessageType } from "../../../../worker/shared/inbox";

export function shortTime(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const days = (now.getTime() - d.getTime()) / 86_400_000;
  if (days < 6) return d.toLocaleDateString([], { weekday: "short" });
  return d.toLocaleDateString([], { day: "2-digit", month: "2-digit", year: "2-digit" });
}

export const clockTime = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/** The full local date and time, for a bubble's tooltip. */
export const fullDateTime = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: "full", timeStyle: "short" });

/** A day separator's label: Today, Yesterday, or the date (with the year when not this year). */
export function dayLabel(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (d.toDateString() === now.toDateString()) return "Today";
  const yesterday = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 1);
  if (d.toDateString() === yesterday.toDateString()) return "Yesterday";
  return d.toLocaleDateString([], { weekday: "short", day: "numeric", month: "short", ...(d.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }) });
}

/**
 * Why a send failed, as a sentence for the bubble (the stored reason, e.g. "Evolution POST
 * /message/sendText/x → 500: …", goes in its tooltip). Reasons not from Evolution are sentences already.
 */
export function failureSentence(error: string | null): string {
  if (!error) return "Not sent.";
  if (!error.startsWith("Evolution ")) return error;
  const tries = /\(after (\d+) attempts\)/.exec(error)?.[1];
  const after = tries ? ` (tried ${tries} times)` : "";
  if (/is not on WhatsApp/.test(error)) return "This number is not on WhatsApp.";
  if (/Connection Closed|not connected/i.test(error)) return `The WhatsApp number was not connected${after}.`;
  if (/may still have been delivered/.test(error)) return "WhatsApp did not answer in time; the message may still have been delivered.";
  const status = Number(/ → (\d{3}):/.exec(error)?.[1] ?? 0);
  if (status === 401 || status === 403) return "The WhatsApp server refused Parley's credentials.";
  if (status === 413) return "The attachment is too large for WhatsApp.";
  if (status >= 500) return `The WhatsApp server had an error${after}.`;
  if (status >= 400) return "The WhatsApp server refused this message.";
  return `The WhatsApp server could not be reached${after}.`;
}

/** "YYYY-MM-DD HH:MM:SS UTC" (how the outbox and the breaker write a time) as local HH:MM, or null. */
export function utcStampToClock(text: string): string | null {
  const m = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC/.exec(text);
  return m ? clockTime(`${m[1]}T${m[2]}Z`) : null;
}

/**
 * Why a pending message of ours is not out yet, as a short note for under the bubble (the stored
 * note, e.g. "Waiting for the WhatsApp server: Evolution unreachable since … UTC (…)" or
 * "Retrying: Evolution POST … → 502 …", goes in its tooltip). It is no failure: the outbox sends it.
 */
export function waitingSentence(note: string): string {
  if (note.startsWith("Waiting for the WhatsApp server")) {
    const since = utcStampToClock(note);
    return `Waiting for the WhatsApp server${since ? ` (not answering since ${since})` : ""} — it goes out when the server answers`;
  }
  if (note.startsWith("Retrying: Could not check")) return "Checking with the WhatsApp server whether it went out — then trying again";
  if (note.startsWith("Retrying:")) return "The WhatsApp server did not answer — trying again";
  if (/connection closed|not connected/i.test(note)) return "Waiting for the WhatsApp number to connect";
  return `Not sent yet: ${note}`;
}

export function typeOfFile(mime: string): Exclude<MessageType, "text"> {
  if (mime.startsWith("image/")) return "image";
  if (mime.startsWith("video/")) return "video";
  if (mime.startsWith("audio/")) return "audio";
  return "document";
}

export function readAsDataUrl(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result));
    r.onerror = () => reject(r.error ?? new Error("Could not read the file"));
    r.readAsDataURL(file);
  });
}

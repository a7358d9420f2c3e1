// In-memory state of the simulator: every instance, its webhook, its messages and what it was sent.
export type ConnState = "open" | "connecting" | "close";

export type SimWebhook = {
  id: string;
  enabled: boolean;
  url: string;
  headers: Record<string, string>;
  byEvents: boolean;
  base64: boolean;
  events: string[];
  createdAt: string;
  updatedAt: string;
};

export type SimQr = { code: string; base64: string; pairingCode: string | null };

export type MessageRaw = {
  key: {
    remoteJid: string;
    fromMe: boolean;
    id: string;
    participant?: string;
    participantAlt?: string;
    remoteJidAlt?: string;
    addressingMode?: string;
  };
  pushName?: string;
  status: string;
  message: Record<string, unknown>;
  contextInfo?: unknown;
  messageType: string;
  messageTimestamp: number;
  instanceId: string;
  source: string;
};

export type StoredMedia = { base64?: string; url?: string; mimetype: string; fileName: string; caption?: string };

export type StoredMessage = { raw: MessageRaw; media?: StoredMedia; updates: string[] };

/**
 * One request received on a send route, recorded exactly as it arrived. `status` and `keyId` are
 * what the simulator did; `fault` (a FaultMode) says the answer was then lost (502, dropped, hung).
 */
export type RecordedSend = { at: string; route: string; body: unknown; status: number; keyId?: string; fault?: string };

/** A message the phone actually sent: one per send that created a message, faulted answers included. */
export type AcceptedSend = { at: string; route: string; keyId: string; number: string; jid: string; text?: string; caption?: string; fault?: string };

export type FailSends = { remaining: number; status: number; message: string };

export type SimInstance = {
  name: string;
  id: string;
  token: string;
  integration: string;
  number: string | null;
  state: ConnState;
  qr: SimQr | null;
  qrCount: number;
  ownerJid: string | null;
  profileName: string | null;
  webhook: SimWebhook | null;
  settings: Record<string, unknown>;
  failSends: FailSends | null;
  sends: RecordedSend[];
  messages: Map<string, StoredMessage>;
  createdAt: string;
  disconnectionReasonCode: number | null;
  qrTimer?: ReturnType<typeof setInterval>;
};

export type DeliveryAttempt = {
  id: number;
  event: string;
  instance: string;
  url: string;
  attempt: number;
  copy: number;
  status: number | null;
  error?: string;
  at: string;
  ms: number;
};

export const SEND_STATUSES = ["PENDING", "SERVER_ACK", "DELIVERY_ACK", "READ"] as const;

/** Number → JID the way Evolution's createJid does (EVOLUTION.md §1). */
export function createJid(input: string): string {
  const value = input.replace(/[\s+()]/g, "").replace(/:\d+(?=@|$)/, "");
  if (/@(g\.us|s\.whatsapp\.net|lid|broadcast)$/.test(value)) return value;
  if ((value.includes("-") && value.length >= 24) || value.replace(/\D/g, "").length >= 18) {
    return `${value.replace(/@.*$/, "")}@g.us`;
  }
  return `${formatBr(formatMxAr(value.replace(/@.*$/, "").replace(/\D/g, "")))}@s.whatsapp.net`;
}

function formatBr(n: string): string {
  const m = /^(\d{2})(\d{2})\d(\d{8})$/.exec(n);
  if (m?.[1] !== "55") return n;
  const joker = Number(m[3]?.[0]);
  const ddd = Number(m[2]);
  return joker < 7 || ddd < 31 ? n : `${m[1]}${m[2]}${m[3]}`;
}

function formatMxAr(n: string): string {
  const cc = n.slice(0, 2);
  return (cc === "52" || cc === "54") && n.length === 13 ? cc + n.slice(3) : n;
}

/** Evolution's `date_time`: local wall-clock time with a Z (UTC when the process runs in UTC). */
export function evolutionDateTime(ms: number): string {
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString();
}

export function newMessageId(): string {
  const hex = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => b.toString(16).padStart(2, "0")).join("");
  return `3EB0${hex.toUpperCase()}`;
}

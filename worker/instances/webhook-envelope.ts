// Parsing of Evolution webhook deliveries (EVOLUTION.md §3–§4): the envelope, the event name
// and the copy of the payload we keep (media bytes stripped). The dedupe key: dedupe.ts.
import { z } from "zod";
import type { ErrorDetail } from "../errors";
import { messageTimeMs } from "../inbox/jid";
import { zodDetails } from "../platform/http/validate";
import { isObject, jsonTooDeep } from "../platform/lib/json";
import { plausibleTime } from "../platform/lib/time";

/**
 * Nesting cap of a delivery (the envelope is level 1). Evolution's deepest — a quoted message in
 * a view-once in an ephemeral message — stays under 20; past a few thousand levels, handing the
 * data to the instance's Durable Object (structured clone) overflows the stack.
 */
export const MAX_DELIVERY_DEPTH = 64;

export const envelopeSchema = z.looseObject({
  event: z.string().min(1).max(80),
  instance: z.string().min(1).max(200),
  data: z.unknown(),
  destination: z.string().max(2048).optional(),
  date_time: z.string().max(64).optional(),
  sender: z.string().max(200).nullish(),
  server_url: z.string().max(2048).nullish(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** `MESSAGES_UPSERT`, `messages-upsert` and `messages.upsert` all name one event. */
export function normaliseEventName(raw: string): string {
  const lower = raw.trim().toLowerCase();
  if (lower.includes(".")) return lower;
  return lower.replace(/[_-]/g, ".").replace(/^group\.participants\./, "group-participants.");
}

const keyed = z.looseObject({ key: z.looseObject({ id: z.string().min(1).max(256) }) });
const updateKeyed = z.looseObject({ keyId: z.string().min(1).max(256), status: z.union([z.string(), z.number()]).optional() });
const deleteKeyed = z.looseObject({ id: z.string().min(1).max(256) });

// Per-event shape checks at the door: a delivery we cannot use is refused (400, recorded).
const dataSchemas: Record<string, z.ZodType> = {
  "qrcode.updated": z.union([
    z.looseObject({
      qrcode: z.looseObject({
        base64: z.string().max(200_000).optional(),
        code: z.string().max(10_000).optional(),
        pairingCode: z.string().max(64).nullish(),
      }),
    }),
    z.looseObject({ message: z.string().max(1000), statusCode: z.number().optional() }),
  ]),
  "connection.update": z.looseObject({
    state: z.string().min(1).max(40),
    statusReason: z.number().int().optional(),
    wuid: z.string().max(200).nullish(),
    profileName: z.string().max(500).nullish(),
    profilePictureUrl: z.string().max(4096).nullish(),
  }),
  "status.instance": z.looseObject({
    status: z.string().min(1).max(40),
    disconnectionReasonCode: z.number().int().nullish(),
    disconnectionAt: z.union([z.string(), z.number()]).nullish(),
  }),
  "logout.instance": z.unknown(),
  "remove.instance": z.unknown(),
  "messages.upsert": z.union([keyed, z.array(keyed).min(1).max(1000)]),
  "send.message": keyed,
  "messages.update": z.union([updateKeyed, z.array(updateKeyed).min(1).max(1000)]),
  "messages.delete": z.union([deleteKeyed, keyed]),
};

export type ParsedDelivery = {
  event: string;
  envelope: Envelope;
  /** Evolution's `date_time` as epoch ms (server-local wall clock: good for ordering only). */
  eventTime: number | null;
};

export type ParseResult = { ok: true; value: ParsedDelivery } | { ok: false; reason: string; details: ErrorDetail[] };

export function parseDelivery(body: unknown, now = Date.now()): ParseResult {
  const deep = jsonTooDeep(body, MAX_DELIVERY_DEPTH);
  if (deep) return fail([{ path: deep.join(".") || "(root)", message: `nested more than ${MAX_DELIVERY_DEPTH} levels deep` }]);
  const env = envelopeSchema.safeParse(body);
  if (!env.success) return fail(zodDetails(env.error.issues));
  const event = normaliseEventName(env.data.event);
  const schema = dataSchemas[event];
  if (schema) {
    const data = schema.safeParse(env.data.data);
    if (!data.success) return fail(zodDetails(data.error.issues).map((d) => ({ ...d, path: `data.${d.path}` })));
  }
  const badTime = implausibleMessageTime(event, env.data.data, now);
  if (badTime) return fail([badTime]);
  // An implausible date_time (year 5000, 1970) reads as absent: the receive time orders it.
  const t = env.data.date_time ? plausibleTime(Date.parse(env.data.date_time), now) : null;
  return { ok: true, value: { event, envelope: env.data, eventTime: t } };
}

/**
 * A message whose messageTimestamp no WhatsApp message can have (1e20, before 2009, over a day
 * ahead) is refused at the edge with the reason, recorded as rejected (the payload stays on the
 * webhook-events page), instead of being stored with a time that breaks every list showing it.
 */
function implausibleMessageTime(event: string, data: unknown, now: number): ErrorDetail | null {
  if (event !== "messages.upsert" && event !== "send.message") return null;
  const items = Array.isArray(data) ? data : [data];
  for (const [i, item] of items.entries()) {
    const ts = isObject(item) ? item.messageTimestamp : undefined;
    if (ts === undefined || ts === null) continue;
    if (messageTimeMs(ts, now) !== null) continue;
    const path = Array.isArray(data) ? `data.${i}.messageTimestamp` : "data.messageTimestamp";
    return { path, message: `${JSON.stringify(ts).slice(0, 60)} is not a time a WhatsApp message can have (before 2009 or more than a day ahead)` };
  }
  return null;
}

function fail(details: ErrorDetail[]): ParseResult {
  const first = details[0];
  return { ok: false, reason: first ? `${first.path}: ${first.message}` : "malformed payload", details };
}

const BASE64_RUN = /^[A-Za-z0-9+/=\r\n]+$/;

/** The payload as stored: media bytes, thumbnails and QR images replaced by a short marker. */
export function stripMedia(value: unknown, depth = 0): unknown {
  if (depth > 20) return "[…]";
  if (typeof value === "string") {
    if (value.length > 512 && (value.startsWith("data:") || BASE64_RUN.test(value.slice(0, 512)))) return `[${value.length} chars of media stripped]`;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => stripMedia(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Binary fields serialised as {"0":n,"1":n,…} (EVOLUTION.md §4.4) are opaque and large.
      if ((k === "jpegThumbnail" || k === "thumbnail") && v && typeof v === "object") out[k] = "[binary stripped]";
      else out[k] = stripMedia(v, depth + 1);
    }
    return out;
  }
  return value;
}

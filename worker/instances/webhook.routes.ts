// POST /webhooks/:instance_id (and /webhooks/:instance_id/<event-suffix> for byEvents mode):
// authenticate → validate → record in the instance's Durable Object → 2xx. The slow part
// (applying the event) runs there after the answer, so Evolution's 30 s timeout never triggers
// a duplicate (EVOLUTION.md §3.5, §5.1). Rejected deliveries are recorded in D1 here.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, errorBody } from "../errors";
import { getDb } from "../platform/db/client";
import { timingSafeEqualStr } from "../platform/lib/crypto";
import { newId } from "../platform/lib/ids";
import { redact } from "../platform/lib/redact";
import { dedupeKeyFor, sha256Short } from "./dedupe";
import { instanceAuth } from "./webhook-auth";
import { parseDelivery, stripMedia } from "./webhook-envelope";
import { recordWebhookEvent } from "./webhook-events.queries";

export const WEBHOOK_SECRET_HEADER = "x-parley-secret";
const MAX_STORED_PAYLOAD = 256 * 1024;

async function handle(c: import("hono").Context<AppEnv>) {
  const instanceId = c.req.param("instance_id") ?? "";
  // Accepted deliveries are rate limited exactly by the instance's Durable Object; the limiter
  // binding throttles what never reaches it: wrong secrets, unknown ids, malformed bodies.
  const throttle = async () => {
    const { success } = await c.env.WEBHOOK_LIMITER.limit({ key: `webhook:${instanceId}` });
    if (!success) throw new ApiError(429, "rate_limited", "Too many deliveries for this instance");
  };
  const instance = await instanceAuth(c.env, instanceId);
  if (!instance) {
    await throttle();
    throw new ApiError(404, "not_found", "Unknown instance");
  }
  const secret = c.req.header(WEBHOOK_SECRET_HEADER) ?? "";
  if (!(await timingSafeEqualStr(secret, instance.secret))) {
    await throttle();
    throw new ApiError(401, "unauthorized", "Bad or missing webhook secret");
  }

  const raw = await c.req.text();
  let body: unknown;
  let parseError: string | null = null;
  try {
    body = JSON.parse(raw);
  } catch (err) {
    // V8's JSON.parse does not recurse, but a parser that does throws RangeError on deep nesting:
    // still the sender's body, so a recorded 400 like any other (parseDelivery bounds the rest).
    parseError = err instanceof RangeError ? "body is nested too deeply to parse" : "body is not valid JSON";
  }
  const parsed = parseError === null ? parseDelivery(body) : null;
  const db = getDb(c.env.DB);

  if (!parsed?.ok) {
    await throttle();
    const reason = parsed && !parsed.ok ? parsed.reason : (parseError ?? "malformed payload");
    const details = parsed && !parsed.ok ? parsed.details : [{ path: "(root)", message: reason }];
    console.log(`webhook received !!! ${instance.id}, ${instance.name}, ${JSON.stringify({ rejected: reason })}`);
    await recordWebhookEvent(db, {
      id: newId("webhookEvent"),
      instanceId: instance.id,
      instanceName: instance.name,
      event: typeof (body as { event?: unknown })?.event === "string" ? String((body as { event: string }).event).slice(0, 80) : "(malformed)",
      dedupeKey: `rejected:${await sha256Short(raw)}`,
      payload: raw.slice(0, MAX_STORED_PAYLOAD),
      status: "rejected",
      error: reason,
    });
    return c.json(errorBody("validation_failed", `Malformed webhook payload: ${reason}`, details), 400);
  }

  const { event, envelope, eventTime } = parsed.value;
  // What we log and keep: media bytes stripped, credentials (e.g. an exposed `apikey`) masked.
  const stored = JSON.stringify(redact(stripMedia(envelope)));
  // The log line the product owner asked for.
  console.log(`webhook received !!! ${instance.id}, ${instance.name}, ${stored}`);

  // Recorded in the instance's Durable Object (its own storage, no D1 round trip on the
  // acknowledgement path), which copies it into webhook_events before applying it.
  const accepted = await c.env.WA_INSTANCE.getByName(instance.id).accept({
    event,
    dedupeKey: await dedupeKeyFor(parsed.value, raw),
    payload: stored.slice(0, MAX_STORED_PAYLOAD),
    data: envelope.data ?? null,
    eventTime,
  });
  if ("limited" in accepted) throw new ApiError(429, "rate_limited", "Too many deliveries for this instance");
  return c.json({ ok: true, id: accepted.id, duplicate: accepted.duplicate });
}

export const webhookRoutes = new Hono<AppEnv>().post("/:instance_id", handle).post("/:instance_id/:suffix{[a-z.-]+}", handle);

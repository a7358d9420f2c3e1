// Request schemas for /api/campaigns (CONVENTIONS §8).
import { z } from "zod";
import { pageQuery } from "../platform/lib/pagination";
import { unknownVariables } from "../shared/campaign-template";
import { tagSchema } from "../shared/tags";
import { isClock, isTimeZone } from "./pacing";

export const MAX_CAMPAIGN_CONTACT_IDS = 20_000;
/** D1 keeps a row (and a bound string) under 2 MB: the base64 attachment must fit in one. */
export const MAX_ATTACHMENT_BASE64 = 1_800_000;
/** WhatsApp is comfortable far below this; higher rates are how numbers get banned. */
export const MAX_PER_MINUTE = 600;

const contactId = z.string().regex(/^ct_[0-9A-Za-z]{20}$/, "Not a contact id");
const tags = z
  .array(tagSchema)
  .max(20, "At most 20 tags")
  .transform((t) => [...new Set(t)]);
const contactIds = z
  .array(contactId)
  .max(MAX_CAMPAIGN_CONTACT_IDS, `At most ${MAX_CAMPAIGN_CONTACT_IDS} contacts`)
  .transform((ids) => [...new Set(ids)]);

export const audienceBody = z.strictObject({
  target_tags: tags.default([]),
  match: z.enum(["all", "any"]).default("all"),
  contact_ids: contactIds.default([]),
});

const base64 = z
  .string()
  .max(MAX_ATTACHMENT_BASE64 + 200, `The attachment must be at most ${Math.floor((MAX_ATTACHMENT_BASE64 * 3) / 4 / 1024)} KB`)
  .transform((s) => s.replace(/^data:[^,]*,/, "").replace(/\s+/g, ""))
  .refine(
    (s) => s.length > 0 && s.length <= MAX_ATTACHMENT_BASE64 && /^[A-Za-z0-9+/]+={0,2}$/.test(s),
    "attachment_base64 must be base64 (a data: URL prefix is accepted)",
  );

const message = z
  .strictObject({
    content: z
      .string()
      .max(4096, "The message must be at most 4096 characters")
      .default("")
      .superRefine((c, ctx) => {
        const unknown = unknownVariables(c)[0];
        if (unknown !== undefined) ctx.addIssue({ code: "custom", message: `Unknown variable {{${unknown}}}: use name, first_name or country` });
      }),
    attachment_base64: base64.optional(),
    mime_type: z
      .string()
      .trim()
      .regex(/^[\w.+-]+\/[\w.+-]+$/, "Not a MIME type")
      .max(100)
      .optional(),
    file_name: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[^/\\\p{Cc}]+$/u, "Not a file name")
      .optional(),
  })
  .refine((m) => m.content.trim().length > 0 || m.attachment_base64, { message: "Write a message or attach a file", path: ["content"] })
  .refine((m) => !m.attachment_base64 || m.mime_type, { message: "mime_type is required with an attachment", path: ["mime_type"] });

const window = z.strictObject({
  start: z.string().refine(isClock, "Use HH:MM (24 h)"),
  end: z.string().refine(isClock, "Use HH:MM (24 h)"),
  timezone: z.string().max(64).refine(isTimeZone, "Unknown time zone").default("UTC"),
});

const pacing = z.strictObject({
  /** 0 = unpaced (no spacing at all): for tests, benchmarks and explicitly opted-in lists. */
  per_minute: z.number().int().min(0).max(MAX_PER_MINUTE).default(6),
  jitter_pct: z.number().int().min(0).max(90).default(30),
  daily_cap: z.number().int().min(1).max(100_000).nullable().default(null),
  window: window.nullable().default(null),
});

export const createBody = z
  .strictObject({
    name: z.string().trim().min(1, "Name is required").max(200),
    target_tags: tags.default([]),
    match: z.enum(["all", "any"]).default("all"),
    contact_ids: contactIds.default([]),
    instance_id: z.string().regex(/^ins_[0-9A-Za-z]{20}$/, "Not an instance id"),
    message,
    responding_agent_id: z
      .string()
      .regex(/^agt_[0-9A-Za-z]{20}$/, "Not an agent id")
      .nullable()
      .optional(),
    scheduled_at: z.iso.datetime({ offset: true }).nullable().optional(),
    pacing: pacing.default({ per_minute: 6, jitter_pct: 30, daily_cap: null, window: null }),
  })
  .refine((b) => b.target_tags.length > 0 || b.contact_ids.length > 0, { message: "Choose at least one tag or contact", path: ["target_tags"] });
export type CreateBody = z.infer<typeof createBody>;

export const idParam = z.object({ id: z.string().regex(/^cmp_[0-9A-Za-z]{20}$/, "Not a campaign id") });

export const listQuery = pageQuery.extend({
  status: z.enum(["pending", "scheduled", "in_progress", "paused", "completed", "cancelled"]).optional(),
});

export const recipientsQuery = pageQuery.extend({
  status: z.enum(["pending", "sent", "failed", "delivered", "read", "replied", "skipped"]).optional(),
});

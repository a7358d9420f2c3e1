// Request schemas for /api/contacts (CONVENTIONS §8: every boundary goes through zod).
import { isSupportedCountry } from "libphonenumber-js/max";
import { z } from "zod";
import { jsonTooDeep } from "../platform/lib/json";
import { pageQuery } from "../platform/lib/pagination";
import { MAX_LLM_CONTEXT_BYTES, MAX_LLM_CONTEXT_DEPTH } from "../shared/contacts";
import { tagSchema } from "../shared/tags";
import { MAX_TAGS_PER_CONTACT } from "./contacts.queries";

export const MAX_BULK_IDS = 10_000;
export const MAX_FILTER_TAGS = 20;

const tagList = (max: number) =>
  z
    .array(tagSchema)
    .max(max, `At most ${max} tags`)
    .transform((tags) => [...new Set(tags)]);

export const countrySchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => /^[A-Z]{2}$/.test(c) && isSupportedCountry(c), "Country must be an ISO 3166 alpha-2 code");

export const llmContextSchema = z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
  // Depth first, without recursion: a few KB of `[[[[…` fit the byte cap, and JSON.stringify (here,
  // and on every read of the contact) recurses and overflows the stack on them.
  const deep = jsonTooDeep(v, MAX_LLM_CONTEXT_DEPTH);
  if (deep) ctx.addIssue({ code: "custom", path: deep, message: `llm_context must nest at most ${MAX_LLM_CONTEXT_DEPTH} levels` });
  else if (new TextEncoder().encode(JSON.stringify(v)).length > MAX_LLM_CONTEXT_BYTES)
    ctx.addIssue({ code: "custom", message: `llm_context must be at most ${MAX_LLM_CONTEXT_BYTES} bytes of JSON` });
});

const optionalText = (max: number) => z.string().trim().max(max).nullable().optional();

const contactFields = {
  name: optionalText(200),
  whatsapp_number: z.string().trim().min(1, "WhatsApp number is required").max(40),
  description: optionalText(2000),
  country: countrySchema.nullable().optional(),
  tags: tagList(MAX_TAGS_PER_CONTACT).optional(),
  llm_context: llmContextSchema.optional(),
  opted_out: z.boolean().optional(),
};

export const createContactBody = z.strictObject(contactFields);
export const patchContactBody = z
  .strictObject({ ...contactFields, whatsapp_number: contactFields.whatsapp_number.optional() })
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change");

export const idParam = z.object({ id: z.string().regex(/^ct_[0-9A-Za-z]{20}$/, "Not a contact id") });
export const tagParam = idParam.extend({ tag: tagSchema });
export const tagBody = z.strictObject({ tag: tagSchema });

const csvTags = z
  .string()
  .max(2000)
  .transform((s) => s.split(",").filter((t) => t.trim() !== ""))
  .pipe(tagList(MAX_FILTER_TAGS));

const filterText = z.string().trim().max(200).optional();
// Numbers are matched by digits, so a number filter without any would match everyone.
const numberText = z.string().trim().max(40).regex(/\d/, "Give at least one digit").optional();
const filterFields = {
  match: z.enum(["all", "any"]).default("all"),
  country: countrySchema.optional(),
  name: filterText,
  description: filterText,
  number: numberText,
  q: filterText,
};

/** Query of GET /api/contacts and /export: ?tags=a,b&match=…&country=… */
export const filterQuery = z.object({ tags: csvTags.optional(), ...filterFields });
export const listQuery = filterQuery.extend(pageQuery.shape);

export const searchQuery = z
  .object({ name: filterText, whatsapp_number: numberText, country: countrySchema.optional() })
  .extend(pageQuery.shape)
  .refine((v) => v.name || v.whatsapp_number || v.country, "Give name, whatsapp_number or country");

export const searchByTagsBody = z.strictObject({
  tags: tagList(MAX_FILTER_TAGS).refine((t) => t.length > 0, "Give at least one tag"),
  match: z.enum(["all", "any"]).default("all"),
});

/** A filter in a JSON body: the same fields as the list query, tags as an array. */
export const filterBody = z.strictObject({ tags: tagList(MAX_FILTER_TAGS).optional(), ...filterFields });

export const bulkBody = z
  .strictObject({
    ids: z.array(idParam.shape.id).min(1).max(MAX_BULK_IDS).optional(),
    filter: filterBody.optional(),
    action: z.enum(["delete", "add_tag", "remove_tag"]),
    tag: tagSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.ids === undefined) === (v.filter === undefined)) ctx.addIssue({ code: "custom", path: ["ids"], message: "Give either ids or filter" });
    if (v.action !== "delete" && !v.tag) ctx.addIssue({ code: "custom", path: ["tag"], message: `tag is required for ${v.action}` });
  });

export type FilterInput = z.infer<typeof filterBody>;
export type CreateContactInput = z.infer<typeof createContactBody>;
export type PatchContactInput = z.infer<typeof patchContactBody>;

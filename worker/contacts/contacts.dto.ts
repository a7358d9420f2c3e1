// API shapes: snake_case fields, ISO timestamps, tags as an array, llm_context as an object.

import type { JsonObject } from "../platform/db/schema";
import { clipJsonDepth, jsonTooDeep } from "../platform/lib/json";
import { iso } from "../platform/lib/time";
import { type ContactView, MAX_LLM_CONTEXT_DEPTH } from "../shared/contacts";
import type { ContactRow } from "./contacts.queries";
import type { FilterInput } from "./contacts.schemas";
import type { ContactFilter } from "./filter.queries";
import { phoneDigits } from "./phone";

/** What a level past the depth bound shows as, in a context stored before the bound. */
export const CLIPPED_CONTEXT = "[nested too deeply to show]";

/**
 * A context stored before its depth was bounded (or by hand) is shown cut at the bound: serialising
 * it whole recurses past the stack and would fail every page holding the contact.
 */
function shownContext(v: JsonObject): JsonObject {
  return jsonTooDeep(v, MAX_LLM_CONTEXT_DEPTH) ? (clipJsonDepth(v, MAX_LLM_CONTEXT_DEPTH, CLIPPED_CONTEXT) as JsonObject) : v;
}

export function contactDto(row: ContactRow): ContactView {
  return {
    id: row.id,
    name: row.name,
    whatsapp_number: row.whatsappNumber,
    description: row.description,
    country: row.country,
    tags: row.tags,
    llm_context: shownContext(row.llmContext),
    opted_out: row.optedOut,
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
  };
}

/** Validated filter input → query filter; a number filter keeps only its digits. */
export function toFilter(input: Partial<FilterInput>): ContactFilter {
  const digits = input.number ? phoneDigits(input.number) : "";
  return {
    tags: input.tags,
    match: input.match ?? "all",
    country: input.country,
    name: input.name || undefined,
    description: input.description || undefined,
    number: digits || undefined,
    q: input.q || undefined,
  };
}

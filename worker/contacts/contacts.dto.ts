// API shapes: snake_case fields, ISO timestamps, tags as an array, llm_context as an object.

import { iso } from "../platform/lib/time";
import type { ContactView } from "../shared/contacts";
import type { ContactRow } from "./contacts.queries";
import type { FilterInput } from "./contacts.schemas";
import type { ContactFilter } from "./filter.queries";
import { phoneDigits } from "./phone";

export function contactDto(row: ContactRow): ContactView {
  return {
    id: row.id,
    name: row.name,
    whatsapp_number: row.whatsappNumber,
    description: row.description,
    country: row.country,
    tags: row.tags,
    llm_context: row.llmContext,
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

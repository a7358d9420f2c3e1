// Shapes of /api/contacts and /api/tags, shared with the Worker.
import type { ContactView } from "../../../../worker/shared/contacts";

export type { ContactPage, ImportReport, TagCount } from "../../../../worker/shared/contacts";
export type Contact = ContactView;

export type Match = "all" | "any";

export type Filters = {
  tags: string[];
  match: Match;
  country: string;
  name: string;
  description: string;
  number: string;
  q: string;
};

export const TEXT_FILTERS = ["q", "name", "number", "description", "country"] as const;
export type TextFilter = (typeof TEXT_FILTERS)[number];

export const EMPTY_FILTERS: Filters = { tags: [], match: "all", country: "", name: "", description: "", number: "", q: "" };

/** Filters from the page's query string (?tags=a,b&match=any&country=BR&…). */
export function parseFilters(query: Record<string, string | undefined>): Filters {
  const tags = (query.tags ?? "")
    .split(",")
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== "");
  return {
    tags: [...new Set(tags)],
    match: query.match === "any" ? "any" : "all",
    country: query.country ?? "",
    name: query.name ?? "",
    description: query.description ?? "",
    number: query.number ?? "",
    q: query.q ?? "",
  };
}

/**
 * The filter as API query parameters. Values the API would refuse while the user is still
 * typing (a one-letter country, a number without digits) are left out rather than sent.
 */
export function apiParams(f: Filters): Record<string, string | undefined> {
  const country = f.country.trim().toUpperCase();
  return {
    tags: f.tags.length ? f.tags.join(",") : undefined,
    match: f.tags.length > 1 && f.match === "any" ? "any" : undefined,
    country: /^[A-Z]{2}$/.test(country) ? country : undefined,
    name: f.name.trim() || undefined,
    description: f.description.trim() || undefined,
    number: /\d/.test(f.number) ? f.number.trim() : undefined,
    q: f.q.trim() || undefined,
  };
}

/** The same filter as a JSON body (POST /api/contacts/bulk {filter}). */
export function filterBody(f: Filters): Record<string, unknown> {
  const p = apiParams(f);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined) out[k] = k === "tags" ? v.split(",") : v;
  return out;
}

/** The page's own query string: what the user typed, so a reload restores it verbatim. */
export function pageParams(f: Filters): Record<string, string | undefined> {
  return {
    tags: f.tags.length ? f.tags.join(",") : undefined,
    match: f.match === "any" ? "any" : undefined,
    country: f.country || undefined,
    name: f.name || undefined,
    description: f.description || undefined,
    number: f.number || undefined,
    q: f.q || undefined,
  };
}

export function isFiltered(f: Filters): boolean {
  return Object.values(apiParams(f)).some((v) => v !== undefined);
}

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

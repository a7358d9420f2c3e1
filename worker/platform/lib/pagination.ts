import { z } from "zod";
import { validationError } from "../http/validate";

export const MAX_PAGE_SIZE = 200;

export const pageQuery = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});

/** A keyset position: the sort value of the last row returned and its id (the tie-breaker). */
export type Cursor = { v: string | number; id: string };

export function encodeCursor(c: Cursor): string {
  return btoa(JSON.stringify([c.v, c.id]))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

const cursorShape = z.tuple([z.union([z.string(), z.number()]), z.string().min(1).max(64)]);

export function decodeCursor(raw: string | undefined): Cursor | undefined {
  if (raw === undefined || raw === "") return undefined;
  try {
    const padded = raw.replace(/-/g, "+").replace(/_/g, "/");
    const [v, id] = cursorShape.parse(JSON.parse(atob(padded)));
    return { v, id };
  } catch {
    throw validationError([{ path: "cursor", message: "Malformed cursor" }]);
  }
}

/**
 * A cursor's sort value as bound in the keyset comparison: a number, or a numeric string as its
 * number; other text stays text. SQLite orders text after every number, so a row stored with text
 * in a number column (by hand) still has its place; when it ends a page, its cursor read as a
 * number (NaN) would match nothing and end the list there, hiding every row after it.
 */
export function keysetValue(v: string | number): string | number {
  if (typeof v === "number") return v;
  const n = Number(v);
  return v.trim() !== "" && Number.isFinite(n) ? n : v;
}

/** Given limit+1 rows, returns the page and the cursor of the next one (null at the end). */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => Cursor) {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encodeCursor(key(last)) : null };
}

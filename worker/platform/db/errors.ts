/** The SQLite message of a failed query; drizzle wraps D1's error in `cause`. */
export function dbErrorMessage(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    if (e instanceof Error) parts.push(e.message);
  }
  return parts.join(" | ");
}

/** True when the error is a UNIQUE (or primary key) violation, optionally on one column. */
export function isUniqueViolation(err: unknown, column?: string): boolean {
  const m = dbErrorMessage(err);
  return /UNIQUE constraint failed/.test(m) && (column === undefined || m.includes(column));
}

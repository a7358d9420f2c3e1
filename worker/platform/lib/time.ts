/** 2009-01-01T00:00:00Z: WhatsApp's launch; no message or delivery of it is older. */
export const EARLIEST_MS = Date.UTC(2009, 0, 1);
/** 9999-12-31T23:59:59.999Z: the last instant an ISO string shows with a plain four-digit year. */
export const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** How far a sender's clock may run ahead of ours: a wall clock read as UTC (±14 h), plus skew. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

/**
 * A time a sender claims (Evolution's messageTimestamp or date_time), or null when no real event
 * can have it: not a finite number, before 2009, or more than a day after `now` (the time we
 * received it). Callers use their receive time instead of null.
 */
/** "2026-12-03 17:02:11 UTC": a moment in a sentence the user reads (a pause reason, a bubble's note). */
export const utcClock = (at: number) => `${new Date(at).toISOString().replace("T", " ").slice(0, 19)} UTC`;

export function plausibleTime(ms: number, now: number): number | null {
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms <= now + FUTURE_SLACK_MS ? ms : null;
}

/**
 * Epoch ms in the database, ISO strings in the API (PRODUCT.md §3). Never throws: one stored time
 * that Date cannot show (a sender's 1e20 from before the edge bounded it, a hand-edited row) must
 * not fail a whole page with "Invalid time value", so it is clamped to 1970…9999, and what is not
 * a number at all (text in an integer column) reads as the epoch.
 */
export function iso(ms: number): string;
export function iso(ms: number | null | undefined): string | null;
export function iso(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const n = Number(ms);
  return new Date(Number.isNaN(n) ? 0 : Math.min(Math.max(n, 0), LATEST_MS)).toISOString();
}

// Pure pacing arithmetic for the per-instance send clock (worker/campaigns/send-clock.ts):
// slot spacing with jitter, the daily send window in a time zone, and the day a cap counts in.

export type SendWindow = { start: string; end: string; timezone: string };
export type Pacing = { perMinute: number; jitterPct: number; dailyCap: number | null; window: SendWindow | null };

/** per_minute 0 means "unpaced" (tests, benchmarks, opted-in transactional lists). */
export const isUnpaced = (p: Pick<Pacing, "perMinute">) => p.perMinute <= 0;

/** Gap before the next send: 60 s / rate, moved by up to ±jitter% (uniform, so the mean is the rate). */
export function slotGapMs(p: Pick<Pacing, "perMinute" | "jitterPct">, random: () => number = Math.random): number {
  if (isUnpaced(p)) return 0;
  const base = 60_000 / p.perMinute;
  const j = Math.min(Math.max(p.jitterPct, 0), 90) / 100;
  return Math.max(0, Math.round(base * (1 + (random() * 2 - 1) * j)));
}

const MINUTES = /^([01]\d|2[0-3]):([0-5]\d)$/;
export const isClock = (s: string) => MINUTES.test(s);
const minutesOf = (hhmm: string) => {
  const m = MINUTES.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
};

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function localParts(at: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
  return { day: `${get("year")}-${get("month")}-${get("day")}`, minute: Number(get("hour")) * 60 + Number(get("minute")), second: Number(get("second")) };
}

/** The calendar day (YYYY-MM-DD) a daily cap counts in: the window's zone, else UTC. */
export function capDay(at: number, window: SendWindow | null): string {
  return localParts(at, window?.timezone ?? "UTC").day;
}

/** Whether `at` falls in the window (an end before the start wraps past midnight). */
export function inWindow(at: number, w: SendWindow | null): boolean {
  if (!w) return true;
  const { minute } = localParts(at, w.timezone);
  const s = minutesOf(w.start);
  const e = minutesOf(w.end);
  if (s === e) return true;
  return s < e ? minute >= s && minute < e : minute >= s || minute < e;
}

/** The next moment at or after `at` inside the window (to the minute; DST shifts land within an hour). */
export function nextWindowOpen(at: number, w: SendWindow | null): number {
  if (!w || inWindow(at, w)) return at;
  const { minute, second } = localParts(at, w.timezone);
  const wait = (minutesOf(w.start) - minute + 1440) % 1440;
  return at + wait * 60_000 - second * 1000;
}

/** The start of the next calendar day in the cap's zone (when a reached daily cap resets). */
export function nextCapDay(at: number, w: SendWindow | null): number {
  const { minute, second } = localParts(at, w?.timezone ?? "UTC");
  return at + (1440 - minute) * 60_000 - second * 1000;
}

// The schema has window_start/window_end but no zone column; the zone rides in window_start as
// "HH:MM Area/City" (decoded here only) rather than a migration on the shared schema.
export function encodeWindow(w: SendWindow | null): { windowStart: string | null; windowEnd: string | null } {
  return w ? { windowStart: `${w.start} ${w.timezone}`, windowEnd: w.end } : { windowStart: null, windowEnd: null };
}

type PacingColumns = { perMinute: number; jitterPct: number; dailyCap: number | null; windowStart: string | null; windowEnd: string | null };

export function pacingOf(row: PacingColumns): Pacing {
  let window: SendWindow | null = null;
  if (row.windowStart && row.windowEnd) {
    const [start = "00:00", timezone = "UTC"] = row.windowStart.split(" ");
    window = { start, end: row.windowEnd, timezone };
  }
  return { perMinute: row.perMinute, jitterPct: row.jitterPct, dailyCap: row.dailyCap, window };
}

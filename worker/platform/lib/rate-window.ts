/**
 * An exact fixed-rate limit for one serialisation point (a Durable Object sees every event it
 * limits): at most `limit` events in any `periodMs`, counted in one-second buckets.
 */
export class RateWindow {
  private readonly buckets = new Map<number, number>();
  private total = 0;

  constructor(
    private readonly limit: number,
    private readonly periodMs: number,
  ) {}

  /** Counts the event and says whether it is within the limit (an event over it is not counted). */
  take(now = Date.now()): boolean {
    const second = Math.floor(now / 1000);
    const oldest = second - Math.ceil(this.periodMs / 1000) + 1;
    for (const [s, n] of this.buckets)
      if (s < oldest) {
        this.buckets.delete(s);
        this.total -= n;
      }
    if (this.total >= this.limit) return false;
    this.buckets.set(second, (this.buckets.get(second) ?? 0) + 1);
    this.total++;
    return true;
  }
}

/**
 * Items submitted while a batch is being applied go together into the next one (up to `max`),
 * in order; `serial` runs the draining (a Durable Object's promise chain). Each submit resolves
 * with its item's result.
 */
export class BatchQueue<T, R> {
  private pending: { item: T; resolve: (r: R) => void }[] = [];

  constructor(
    private readonly max: number,
    private readonly apply: (batch: T[]) => Promise<R[]>,
  ) {}

  submit(item: T, serial: (fn: () => Promise<void>) => Promise<void>): Promise<R> {
    return new Promise((resolve) => {
      this.pending.push({ item, resolve });
      if (this.pending.length === 1) void serial(() => this.drain());
    });
  }

  private async drain(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.max);
      const results = await this.apply(batch.map((b) => b.item));
      for (const [i, b] of batch.entries()) b.resolve(results[i]!);
    }
  }
}

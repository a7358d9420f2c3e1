// The instance's write-ahead record of accepted webhook deliveries, in its Durable Object's own
// SQLite storage. The webhook route's acknowledgement waits only for this local write (no D1
// round trip); the rows are copied into D1 webhook_events — where the API lists and replays
// them — in one multi-row upsert per processing batch, before anything the batch changes is
// written. Rows stay here a week after they were mirrored, to answer duplicates locally.
import { newId } from "../platform/lib/ids";

export type JournalRow = { id: string; event: string; dedupeKey: string; payload: string; receivedAt: number; deliveries: number };
export type Recorded = { id: string; deliveries: number; wasMirrored: boolean; receivedAt: number };

const KEEP_MS = 7 * 24 * 60 * 60 * 1000;

export class WebhookJournal {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS webhook_journal (
      dedupe_key TEXT PRIMARY KEY,
      id TEXT NOT NULL,
      event TEXT NOT NULL,
      payload TEXT NOT NULL,
      received_at INTEGER NOT NULL,
      deliveries INTEGER NOT NULL DEFAULT 1,
      mirrored INTEGER NOT NULL DEFAULT 0
    )`);
    sql.exec("CREATE INDEX IF NOT EXISTS webhook_journal_unmirrored ON webhook_journal (mirrored, received_at)");
  }

  /**
   * Records a delivery. A repeat of the same dedupe key is counted on the first row (and copied
   * to D1 again with its new count); `wasMirrored` tells whether D1 already had that row.
   */
  record(event: string, dedupeKey: string, payload: string, now = Date.now()): Recorded {
    // The usual case, a new delivery, is one statement.
    const id = newId("webhookEvent");
    const cursor = this.sql.exec(
      "INSERT INTO webhook_journal (dedupe_key, id, event, payload, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING",
      dedupeKey,
      id,
      event,
      payload,
      now,
    );
    cursor.toArray(); // run it to the end: rowsWritten is final
    if (cursor.rowsWritten > 0) return { id, deliveries: 1, wasMirrored: false, receivedAt: now };
    const prev = this.sql
      .exec<{ id: string; deliveries: number; mirrored: number; received_at: number }>(
        "SELECT id, deliveries, mirrored, received_at FROM webhook_journal WHERE dedupe_key = ?",
        dedupeKey,
      )
      .one();
    this.sql.exec("UPDATE webhook_journal SET deliveries = deliveries + 1, mirrored = 0 WHERE dedupe_key = ?", dedupeKey);
    return { id: prev.id, deliveries: prev.deliveries + 1, wasMirrored: prev.mirrored === 1, receivedAt: prev.received_at };
  }

  /** Rows not yet copied to D1 (new, or counted again since), oldest first. */
  unmirrored(limit: number): JournalRow[] {
    return this.sql
      .exec<{ id: string; event: string; dedupe_key: string; payload: string; received_at: number; deliveries: number }>(
        "SELECT id, event, dedupe_key, payload, received_at, deliveries FROM webhook_journal WHERE mirrored = 0 ORDER BY received_at LIMIT ?",
        limit,
      )
      .toArray()
      .map((r) => ({ id: r.id, event: r.event, dedupeKey: r.dedupe_key, payload: r.payload, receivedAt: r.received_at, deliveries: r.deliveries }));
  }

  /** D1 holds these now (under `id`: D1's, when it knew the key before this journal did). */
  markMirrored(rows: { dedupeKey: string; deliveries: number; id: string }[]): void {
    // A repeat counted meanwhile keeps the row unmirrored for the next copy.
    for (const r of rows)
      this.sql.exec("UPDATE webhook_journal SET mirrored = 1, id = ? WHERE dedupe_key = ? AND deliveries = ?", r.id, r.dedupeKey, r.deliveries);
  }

  prune(now = Date.now()): void {
    this.sql.exec("DELETE FROM webhook_journal WHERE mirrored = 1 AND received_at < ?", now - KEEP_MS);
  }
}

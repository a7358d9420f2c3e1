// CSV import (merge by number, per-row report) and streamed CSV export of any filter.
import type { Db } from "../platform/db/client";
import { validationError } from "../platform/http/validate";
import { csvCell, readCsv, uncell } from "../platform/lib/csv";
import { newId } from "../platform/lib/ids";
import { iso } from "../platform/lib/time";
import type { ImportReport } from "../shared/contacts";
import { tagSchema } from "../shared/tags";
import { existingByNumber, type ImportRow, upsertImportRows } from "./bulk.queries";
import { MAX_TAGS_PER_CONTACT, pageQuery } from "./contacts.queries";
import { countrySchema } from "./contacts.schemas";
import type { ContactFilter } from "./filter.queries";
import { normalisePhone } from "./phone";

/** Rows handled per lookup + upsert round; bounds memory and statement size. */
const IMPORT_CHUNK = 2000;
export const MAX_IMPORT_ROWS = 100_000;
/** The report lists at most this many rejected rows; `rejected_count` has the total. */
const MAX_REPORTED = 1000;

type Column = "name" | "whatsapp_number" | "description" | "country" | "tags";
const HEADER_ALIASES: Record<string, Column> = {
  name: "name",
  whatsapp_number: "whatsapp_number",
  "whatsapp number": "whatsapp_number",
  whatsapp: "whatsapp_number",
  phone: "whatsapp_number",
  number: "whatsapp_number",
  description: "description",
  country: "country",
  tags: "tags",
};

function mapHeader(header: string[]): Partial<Record<Column, number>> {
  const cols: Partial<Record<Column, number>> = {};
  header.forEach((h, i) => {
    const col = HEADER_ALIASES[h.trim().toLowerCase()];
    if (col && cols[col] === undefined) cols[col] = i;
  });
  if (cols.whatsapp_number === undefined) throw validationError([{ path: "whatsapp_number", message: "The CSV header has no whatsapp_number column" }]);
  return cols;
}

type Parsed = { row: number; n: string; name: string | null; d: string | null; c: string | null; t: string[] };

function parseRow(cells: string[], cols: Partial<Record<Column, number>>, row: number, env: Env): Parsed | string {
  const cell = (c: Column) => {
    const i = cols[c];
    return i === undefined ? "" : uncell((cells[i] ?? "").trim());
  };
  const name = cell("name");
  const description = cell("description");
  if (name.length > 200) return "name is longer than 200 characters";
  if (description.length > 2000) return "description is longer than 2000 characters";
  let country: string | null = null;
  if (cell("country")) {
    const c = countrySchema.safeParse(cell("country"));
    if (!c.success) return `country "${cell("country").slice(0, 20)}" is not an ISO 3166 alpha-2 code`;
    country = c.data;
  }
  const tags: string[] = [];
  for (const raw of cell("tags").split(";")) {
    if (raw.trim() === "") continue;
    const t = tagSchema.safeParse(raw);
    if (!t.success) return `tag "${raw.trim().slice(0, 60)}": ${t.error.issues[0]?.message ?? "invalid"}`;
    if (!tags.includes(t.data)) tags.push(t.data);
  }
  if (!cell("whatsapp_number")) return "whatsapp_number is empty";
  const phone = normalisePhone(cell("whatsapp_number"), env.DEFAULT_COUNTRY, country);
  if (!phone) return `whatsapp_number "${cell("whatsapp_number").slice(0, 40)}" is not a valid phone number`;
  return { row, n: phone.e164, name: name || null, d: description || null, c: country ?? phone.country, t: tags };
}

/** Merges one chunk with what is stored; later values win, tags accumulate. */
async function writeChunk(db: Db, parsed: Parsed[], report: ImportReport, reject: (row: number, reason: string) => void) {
  const existing = await existingByNumber(db, [...new Set(parsed.map((p) => p.n))]);
  const merged = new Map<string, ImportRow>();
  for (const p of parsed) {
    const prev = merged.get(p.n);
    const stored = existing.get(p.n);
    const base: ImportRow | undefined =
      prev ?? (stored && { id: stored.id, n: p.n, name: stored.name, d: stored.description, c: stored.country, t: stored.tags });
    const tags = [...new Set([...(base?.t ?? []), ...p.t])];
    if (tags.length > MAX_TAGS_PER_CONTACT) {
      reject(p.row, `the contact would have more than ${MAX_TAGS_PER_CONTACT} tags`);
      continue;
    }
    merged.set(p.n, {
      id: base?.id ?? newId("contact"),
      n: p.n,
      name: p.name ?? base?.name ?? null,
      d: p.d ?? base?.d ?? null,
      c: p.c ?? base?.c ?? null,
      t: tags,
    });
    if (base) report.updated++;
    else report.created++;
  }
  await upsertImportRows(db, [...merged.values()], Date.now());
}

/** Imports a CSV stream chunk by chunk; every row is either created, updated or rejected. */
export async function importContacts(db: Db, env: Env, body: ReadableStream<Uint8Array>): Promise<ImportReport> {
  const report: ImportReport = { created: 0, updated: 0, rejected_count: 0, rejected: [], truncated: false };
  const reject = (row: number, reason: string) => {
    report.rejected_count++;
    if (report.rejected.length < MAX_REPORTED) report.rejected.push({ row, reason });
  };
  let cols: Partial<Record<Column, number>> | undefined;
  let line = 1; // spreadsheet numbering: the header is row 1
  let pending: Parsed[] = [];
  for await (const rows of readCsv(body)) {
    for (const cells of rows) {
      if (!cols) {
        cols = mapHeader(cells);
        continue;
      }
      line++;
      if (line - 1 > MAX_IMPORT_ROWS) {
        report.truncated = true;
        break;
      }
      const parsed = parseRow(cells, cols, line, env);
      if (typeof parsed === "string") reject(line, parsed);
      else pending.push(parsed);
      if (pending.length >= IMPORT_CHUNK) {
        await writeChunk(db, pending, report, reject);
        pending = [];
      }
    }
    if (report.truncated) break;
  }
  if (!cols) throw validationError([{ path: "file", message: "The CSV is empty; it needs a header row" }]);
  await writeChunk(db, pending, report, reject);
  return report;
}

export const EXPORT_COLUMNS = ["id", "name", "whatsapp_number", "description", "country", "tags", "opted_out", "created_at"];
const EXPORT_PAGE = 1000;

/** The CSV of every contact matching the filter, fetched page by page as the client reads. */
export function exportStream(db: Db, filter: ContactFilter): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: { v: number; id: string } | undefined;
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(`${EXPORT_COLUMNS.join(",")}\r\n`));
    },
    async pull(controller) {
      if (done) return controller.close();
      const rows = await pageQuery(db, filter, cursor, EXPORT_PAGE);
      const last = rows.at(-1);
      if (rows.length < EXPORT_PAGE || !last) done = true;
      else cursor = { v: last.createdAt, id: last.id };
      const text = rows
        .map((r) =>
          [
            csvCell(r.id),
            csvCell(r.name),
            csvCell(r.whatsappNumber, true),
            csvCell(r.description),
            csvCell(r.country),
            csvCell(r.tags.join(";")),
            csvCell(r.optedOut),
            csvCell(iso(r.createdAt)),
          ].join(","),
        )
        .join("\r\n");
      if (text) controller.enqueue(encoder.encode(`${text}\r\n`));
      if (done) controller.close();
    },
  });
}

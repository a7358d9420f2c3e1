// A small streaming RFC 4180 CSV reader/writer: quoted fields may hold commas, quotes ("") and
// newlines; CRLF, LF and a UTF-8 BOM are accepted. Streaming keeps a 25 MB import from ever
// being one giant string plus a giant array in the Worker's 128 MB.

export class CsvReader {
  private field = "";
  private row: string[] = [];
  private quoted = false;
  /** Inside quotes, a `"` was just seen: either an escaped quote or the closing one. */
  private quotePending = false;
  private started = false;
  private rows: string[][] = [];

  /** Feeds text; returns the rows completed by it. */
  push(text: string): string[][] {
    let s = text;
    if (!this.started && s.length > 0) {
      this.started = true;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    for (let i = 0; i < s.length; i++) {
      const ch = s[i] as string;
      if (this.quotePending) {
        this.quotePending = false;
        if (ch === '"') {
          this.field += '"';
          continue;
        }
        this.quoted = false;
      }
      if (this.quoted) {
        if (ch === '"') this.quotePending = true;
        else this.field += ch;
        continue;
      }
      if (ch === '"' && this.field === "") this.quoted = true;
      else if (ch === ",") this.endField();
      else if (ch === "\n") this.endRow();
      else if (ch !== "\r") this.field += ch;
    }
    return this.take();
  }

  /** Flushes the last row (a file need not end with a newline). */
  end(): string[][] {
    this.quotePending = false;
    this.quoted = false;
    if (this.field !== "" || this.row.length > 0) this.endRow();
    return this.take();
  }

  private endField() {
    this.row.push(this.field);
    this.field = "";
  }

  private endRow() {
    this.endField();
    // Blank lines are skipped: spreadsheets leave them at the end of exports.
    if (!(this.row.length === 1 && this.row[0] === "")) this.rows.push(this.row);
    this.row = [];
  }

  private take(): string[][] {
    const out = this.rows;
    this.rows = [];
    return out;
  }
}

/** Yields CSV rows from a byte stream, a few hundred at a time. */
export async function* readCsv(stream: ReadableStream<Uint8Array>): AsyncGenerator<string[][]> {
  const reader = new CsvReader();
  const decoder = new TextDecoder("utf-8");
  for await (const bytes of stream) {
    const rows = reader.push(decoder.decode(bytes, { stream: true }));
    if (rows.length) yield rows;
  }
  const tail = reader.push(decoder.decode());
  const last = reader.end();
  if (tail.length || last.length) yield [...tail, ...last];
}

// Spreadsheets run cells starting with these as formulas (CSV injection): such cells get a
// leading apostrophe, which the importer strips again.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | boolean | null | undefined, allowFormulaChars = false): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  if (!allowFormulaChars && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Undoes csvCell's formula guard on import. */
export function uncell(value: string): string {
  return value.length > 1 && value[0] === "'" && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}

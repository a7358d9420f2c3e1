import { useState } from "preact/hooks";
import { ApiError, api, call } from "../../api/client";
import { Modal } from "../../components/modal";
import { type ImportReport, plural } from "./types";

/** Uploads a CSV as text/csv and shows the per-row report (rows are merged by number). */
export function ImportDialog({ onClose }: { onClose: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);

  const upload = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      // The file goes as the raw body (text/csv), not as JSON.
      setReport(await call(api.contacts.import.$post(undefined, { headers: { "content-type": "text/csv" }, init: { body: file } })));
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldErrors().file ?? err.message) : "The import failed");
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal title="Import contacts from CSV" onClose={onClose}>
      <form onSubmit={upload} aria-label="Import CSV">
        <p class="small muted">
          Columns: <code>name</code>, <code>whatsapp_number</code>, <code>description</code>, <code>country</code>, <code>tags</code> (separated by{" "}
          <code>;</code>). A row whose number already exists updates that contact.
        </p>
        <label>
          CSV file
          <input type="file" name="file" accept=".csv,text/csv,text/plain" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {report && <ImportResult report={report} />}
        <div class="row" style={{ justifyContent: "flex-end" }}>
          <button type="button" onClick={onClose}>
            {report ? "Done" : "Cancel"}
          </button>
          <button type="submit" class="primary" disabled={!file || busy}>
            {busy ? "Importing…" : report ? "Import again" : "Import"}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function ImportResult({ report: r }: { report: ImportReport }) {
  return (
    <div class="import-report" data-testid="import-report" role="status">
      <div class="import-totals">
        <span>
          <strong data-testid="import-created">{r.created.toLocaleString("en-US")}</strong> created
        </span>
        <span>
          <strong data-testid="import-updated">{r.updated.toLocaleString("en-US")}</strong> updated
        </span>
        <span class={r.rejected_count ? "bad" : undefined}>
          <strong data-testid="import-rejected">{r.rejected_count.toLocaleString("en-US")}</strong> rejected
        </span>
      </div>
      {r.truncated && <p class="error">The file has more rows than one import takes; the rest were not read.</p>}
      {r.rejected.length > 0 && (
        <div class="import-rejected">
          <table>
            <thead>
              <tr>
                <th>Row</th>
                <th>Reason</th>
              </tr>
            </thead>
            <tbody>
              {r.rejected.map((x) => (
                <tr key={x.row}>
                  <td>{x.row}</td>
                  <td>{x.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {r.rejected_count > r.rejected.length && (
            <p class="small muted">
              Showing the first {plural(r.rejected.length, "rejected row")} of {r.rejected_count.toLocaleString("en-US")}.
            </p>
          )}
        </div>
      )}
    </div>
  );
}

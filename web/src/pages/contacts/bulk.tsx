import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { ApiError, api, call, qs } from "../../api/client";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { normaliseTag } from "../../components/tag-editor";
import { apiParams, type Filters, filterBody, plural } from "./types";

export type Selection = { ids: Set<string>; allMatching: boolean };
type Action = "add_tag" | "remove_tag" | "delete";

const DONE: Record<Action, (n: number, tag: string) => string> = {
  add_tag: (n, tag) => `Tag “${tag}” added to ${plural(n, "contact")}.`,
  remove_tag: (n, tag) => `Tag “${tag}” removed from ${plural(n, "contact")}.`,
  delete: (n) => `${plural(n, "contact")} deleted.`,
};

/**
 * Actions on the selection. "Select all N matching" switches from ids (the rows loaded so far)
 * to the filter itself, so the API acts on every match, loaded or not.
 */
export function BulkBar({
  selection,
  total,
  filters,
  tagNames,
  onSelectAll,
  onClear,
  onDone,
}: {
  selection: Selection;
  total: number;
  filters: Filters;
  tagNames: string[];
  onSelectAll: () => void;
  onClear: () => void;
  onDone: (action: Action) => void;
}) {
  const { route } = useLocation();
  const [action, setAction] = useState<Action | null>(null);
  const [tag, setTag] = useState("");
  const [notice, setNotice] = useState<string | null>(null);
  const n = selection.allMatching ? total : selection.ids.size;
  const who = selection.allMatching ? `all ${plural(n, "matching contact")}` : plural(n, "selected contact");

  const run = async () => {
    if (!action) return;
    const t = normaliseTag(tag);
    if (action !== "delete" && !t) throw new Error("Type a tag first");
    const target = selection.allMatching ? { filter: filterBody(filters) } : { ids: [...selection.ids] };
    try {
      const res = await call(api.contacts.bulk.$post({ json: { ...target, action, ...(action === "delete" ? {} : { tag: t }) } }));
      setNotice(DONE[res.action](res.affected, t));
      onDone(res.action);
    } catch (err) {
      throw new Error(err instanceof ApiError ? (err.fieldErrors().tag ?? err.message) : "The bulk action failed");
    }
  };

  const campaign = () => {
    const q = selection.allMatching
      ? qs({ ...apiParams(filters), match: filters.tags.length ? filters.match : undefined })
      : qs({ contact_ids: [...selection.ids].join(",") });
    route(`/campaigns/new${q}`);
  };

  const ask = (a: Action) => {
    setNotice(null);
    setTag("");
    setAction(a);
  };

  return (
    <section class="bulk-bar" aria-label="Bulk actions" data-testid="bulk-bar">
      <div class="bulk-summary">
        <strong data-testid="selected-count">
          {selection.allMatching ? `All ${plural(n, "matching contact")} selected` : `${plural(n, "contact")} selected`}
        </strong>
        {!selection.allMatching && total > selection.ids.size && (
          <button type="button" class="link" onClick={onSelectAll}>
            Select all {plural(total, "matching contact")}
          </button>
        )}
        <button type="button" class="link" onClick={onClear}>
          Clear selection
        </button>
      </div>
      <div class="bulk-actions">
        <button type="button" onClick={() => ask("add_tag")}>
          Add tag
        </button>
        <button type="button" onClick={() => ask("remove_tag")}>
          Remove tag
        </button>
        <button type="button" class="danger" onClick={() => ask("delete")}>
          Delete
        </button>
        <button type="button" class="primary" onClick={campaign}>
          Start a campaign
        </button>
      </div>
      {notice && (
        <p class="small bulk-notice" role="status">
          {notice}
        </p>
      )}
      {action && (
        <ConfirmDialog
          title={action === "add_tag" ? "Add a tag" : action === "remove_tag" ? "Remove a tag" : "Delete contacts"}
          confirmLabel={
            action === "add_tag"
              ? `Add to ${plural(n, "contact")}`
              : action === "remove_tag"
                ? `Remove from ${plural(n, "contact")}`
                : `Delete ${plural(n, "contact")}`
          }
          danger={action === "delete"}
          onClose={() => setAction(null)}
          onConfirm={run}
        >
          {action === "delete" ? (
            <p>Delete {who}? This cannot be undone; conversations keep their history.</p>
          ) : (
            <>
              <p>
                {action === "add_tag" ? "Add a tag to" : "Remove a tag from"} {who}.
              </p>
              <label>
                Tag
                <input
                  name="bulk-tag"
                  value={tag}
                  list="bulk-tag-names"
                  maxLength={50}
                  // biome-ignore lint/a11y/noAutofocus: the user just opened this dialog to type a tag; focus belongs in its one field.
                  autoFocus
                  onInput={(e) => setTag(e.currentTarget.value)}
                />
              </label>
              <datalist id="bulk-tag-names">
                {tagNames.map((t) => (
                  <option key={t} value={t} />
                ))}
              </datalist>
            </>
          )}
        </ConfirmDialog>
      )}
    </section>
  );
}

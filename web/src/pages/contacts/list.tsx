import { useModel } from "@preact/signals";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { qs } from "../../api/client";
import { PageHeader } from "../../components/page-header";
import { AdminOnly } from "../../components/role-gate";
import { ContactListModel, TagsModel } from "../../state/contacts";
import { canAdmin } from "../../state/me";
import { BulkBar, type Selection } from "./bulk";
import { ContactForm, EditContactLoader } from "./form";
import { ImportDialog } from "./import";
import { ContactRow } from "./row";
import { TagChips } from "./tag-chips";
import { apiParams, EMPTY_FILTERS, type Filters, isFiltered, pageParams, parseFilters, plural, TEXT_FILTERS, type TextFilter } from "./types";

const DEBOUNCE_MS = 250;

const PLACEHOLDER: Record<TextFilter, string> = {
  q: "Search name, number or description",
  name: "Name contains",
  number: "Digits, e.g. 11999",
  description: "Description contains",
  country: "BR",
};
const LABEL: Record<TextFilter, string> = { q: "Search", name: "Name", number: "Number", description: "Description", country: "Country" };

/** The contacts index; `modal` is "new", a contact id (edit), or null — from the URL. */
export function ContactList({ modal }: { modal: string | null }) {
  const { query, route } = useLocation();
  const filters = useMemo(() => parseFilters(query), [qs(query)]);
  const search = qs(pageParams(filters));
  const params = useMemo(() => apiParams(filters), [search]);
  const list = useModel(() => new ContactListModel(params));
  useEffect(() => list.show(params), [params]);
  const tagsModel = useModel(TagsModel);
  const tags = tagsModel.tags.value;
  const items = list.items.value;
  const count = list.count.value;
  const hasMore = list.hasMore.value;
  const [importing, setImporting] = useState(false);
  const [selection, setSelection] = useState<Selection>({ ids: new Set(), allMatching: false });
  const [showMore, setShowMore] = useState(() => ["name", "number", "description", "country"].some((k) => query[k]));

  // The URL is the source of truth for filters; replace (not push) keeps history and scroll.
  const written = useRef(search);
  const setFilters = (f: Filters) => {
    written.current = qs(pageParams(f));
    route(`${location.pathname}${written.current}`, true);
  };
  const openModal = (what: string | null) => route(`/contacts${what ? `/${what}` : ""}${search}`, true);

  // Text inputs answer at once; the URL (and the fetch) follow after a pause in typing.
  const [drafts, setDrafts] = useState<Record<TextFilter, string>>(() => pickText(filters));
  const latest = useRef(filters);
  latest.current = filters;
  useEffect(() => {
    const current = pickText(latest.current);
    if (TEXT_FILTERS.every((k) => current[k] === drafts[k])) return;
    const t = setTimeout(() => setFilters({ ...latest.current, ...drafts }), DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [drafts]);
  // The URL changed by other means (back/forward, a link): the inputs show what it says. Our
  // own writes are skipped, or keystrokes typed since the debounce fired would be lost.
  useEffect(() => {
    if (search !== written.current) setDrafts(pickText(filters));
    written.current = search;
  }, [search]);

  // A new filter is a new result set: the old selection does not carry over.
  useEffect(() => setSelection({ ids: new Set(), allMatching: false }), [qs(params)]);
  // Rows that vanished (deleted elsewhere, or no longer matching) leave the selection.
  useEffect(() => {
    if (!items || selection.ids.size === 0) return;
    const present = new Set(items.map((c) => c.id));
    const kept = [...selection.ids].filter((id) => present.has(id));
    if (kept.length !== selection.ids.size) setSelection({ ids: new Set(kept), allMatching: selection.allMatching && kept.length > 0 });
  }, [items]);

  // Infinite scroll, with the "Load more" button as the fallback.
  const sentinel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void list.loadMore(), { rootMargin: "400px" });
    io.observe(el);
    return () => io.disconnect();
  }, [hasMore, items?.length]);

  const tagNames = tagsModel.tagNames.value;
  const pageIds = items?.map((c) => c.id) ?? [];
  const allOnPage = pageIds.length > 0 && pageIds.every((id) => selection.ids.has(id));
  const toggle = (id: string) => {
    const ids = new Set(selection.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    setSelection({ ids, allMatching: false });
  };
  const closeModal = () => openModal(null);

  return (
    <section class="contacts">
      <PageHeader title="Contacts">
        <AdminOnly>
          <button type="button" onClick={() => setImporting(true)}>
            Import CSV
          </button>
          <a class="button" href={`/api/contacts/export${qs(params)}`} download data-testid="export-link">
            Export CSV
          </a>
        </AdminOnly>
        <button type="button" class="primary" onClick={() => openModal("new")}>
          Add contact
        </button>
      </PageHeader>

      <search class="card contact-filters">
        <div class="row filter-main">
          <input
            type="search"
            aria-label={LABEL.q}
            placeholder={PLACEHOLDER.q}
            value={drafts.q}
            onInput={(e) => setDrafts({ ...drafts, q: e.currentTarget.value })}
          />
          <button type="button" class="link" aria-expanded={showMore} onClick={() => setShowMore(!showMore)}>
            {showMore ? "Fewer filters" : "More filters"}
          </button>
        </div>
        {showMore && (
          <div class="filter-fields">
            {(["name", "number", "description", "country"] as const).map((k) => (
              <label key={k}>
                {LABEL[k]}
                <input
                  name={`filter-${k}`}
                  value={drafts[k]}
                  placeholder={PLACEHOLDER[k]}
                  maxLength={k === "country" ? 2 : 200}
                  inputMode={k === "number" ? "tel" : undefined}
                  onInput={(e) => setDrafts({ ...drafts, [k]: k === "country" ? e.currentTarget.value.toUpperCase() : e.currentTarget.value })}
                />
              </label>
            ))}
          </div>
        )}
        <TagChips tags={tags} selected={filters.tags} match={filters.match} onChange={(selected, match) => setFilters({ ...filters, tags: selected, match })} />
        {tagsModel.error.value && <p class="error">{tagsModel.error}</p>}
      </search>

      <div class="row list-summary">
        <label class="checkbox select-page">
          <input
            type="checkbox"
            aria-label="Select page"
            checked={allOnPage}
            disabled={pageIds.length === 0}
            onChange={() => setSelection({ ids: allOnPage ? new Set() : new Set(pageIds), allMatching: false })}
          />
          <span class="small">Select page</span>
        </label>
        <strong data-testid="contact-count" data-count={items ? count : ""}>
          {items ? plural(count, "contact") : "…"}
        </strong>
        {isFiltered(filters) && (
          <button
            type="button"
            class="link small"
            onClick={() => {
              setDrafts(pickText(EMPTY_FILTERS));
              setFilters(EMPTY_FILTERS);
            }}
          >
            Clear filters
          </button>
        )}
      </div>

      {/* Bulk edits are for owners and admins (POST /api/contacts/bulk). */}
      {canAdmin.value && (selection.ids.size > 0 || selection.allMatching) && (
        <BulkBar
          selection={selection}
          total={count}
          filters={filters}
          tagNames={tagNames}
          onSelectAll={() => setSelection({ ids: new Set(pageIds), allMatching: true })}
          onClear={() => setSelection({ ids: new Set(), allMatching: false })}
          onDone={(action) => {
            if (action === "delete") setSelection({ ids: new Set(), allMatching: false });
            list.refresh();
          }}
        />
      )}

      {list.error.value && (
        <p class="error" role="alert">
          {list.error}
        </p>
      )}
      {items === null ? (
        <p class="muted">Loading…</p>
      ) : items.length === 0 ? (
        <p class="empty">{isFiltered(filters) ? "No contact matches these filters." : "No contacts yet. Add one or import a CSV."}</p>
      ) : (
        <ul class="contact-list" aria-label="Contacts">
          {items.map((c) => (
            <ContactRow
              key={c.id}
              contact={c}
              selected={selection.allMatching || selection.ids.has(c.id)}
              onToggle={() => toggle(c.id)}
              onEdit={() => openModal(c.id)}
              onChanged={list.replace}
              tagNames={tagNames}
            />
          ))}
        </ul>
      )}
      {items && hasMore && (
        <div ref={sentinel} class="load-more">
          <button type="button" onClick={() => void list.loadMore()} disabled={list.loadingMore}>
            {list.loadingMore.value ? "Loading…" : `Load more (${items.length.toLocaleString("en-US")} of ${count.toLocaleString("en-US")} shown)`}
          </button>
        </div>
      )}

      {importing && <ImportDialog onClose={() => setImporting(false)} />}
      {modal === "new" && <ContactForm suggestions={tagNames} onClose={closeModal} linkTo={(id) => `/contacts/${id}${search}`} />}
      {modal && modal !== "new" && <EditContactLoader id={modal} suggestions={tagNames} onClose={closeModal} linkTo={(id) => `/contacts/${id}${search}`} />}
    </section>
  );
}

function pickText(f: Filters): Record<TextFilter, string> {
  return { q: f.q, name: f.name, number: f.number, description: f.description, country: f.country };
}

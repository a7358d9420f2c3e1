import { useState } from "preact/hooks";
import { ApiError, api, call } from "../../api/client";
import { normaliseTag } from "../../components/tag-editor";
import type { Contact } from "./types";
import { WhatsAppButton } from "./whatsapp";

/** One contact: select box, who, tags (removable, with a quick add), WhatsApp and Edit. */
export function ContactRow({
  contact: c,
  selected,
  onToggle,
  onEdit,
  onChanged,
  tagNames,
}: {
  contact: Contact;
  selected: boolean;
  onToggle: () => void;
  onEdit: () => void;
  onChanged: (c: Contact) => void;
  tagNames: string[];
}) {
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label = c.name || c.whatsapp_number;

  const act = async (fn: () => Promise<Contact>) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await fn());
      return true;
    } catch (err) {
      setError(err instanceof ApiError ? (err.fieldErrors().tag ?? err.message) : "Failed");
      return false;
    } finally {
      setBusy(false);
    }
  };
  const addTag = async (e: Event) => {
    e.preventDefault();
    const tag = normaliseTag(draft);
    if (!tag) return;
    if (await act(() => call(api.contacts[":id"].tags.$post({ param: { id: c.id }, json: { tag } })))) {
      setDraft("");
      setAdding(false);
    }
  };
  const listId = `row-tags-${c.id}`;

  return (
    <li class={selected ? "contact-row selected" : "contact-row"} data-testid="contact-row" data-id={c.id} data-number={c.whatsapp_number}>
      <input type="checkbox" class="row-check" checked={selected} onChange={onToggle} aria-label={`Select ${label}`} />
      <div class="contact-main">
        <div class="contact-who">
          <a
            href={`/contacts/${c.id}`}
            class="contact-name"
            onClick={(e) => {
              e.preventDefault();
              onEdit();
            }}
          >
            {c.name || <span class="muted">No name</span>}
          </a>
          {c.opted_out && (
            <span class="badge opted-out" title="Opted out: campaigns skip this contact" data-testid="opted-out">
              Opted out
            </span>
          )}
        </div>
        <div class="contact-meta small">
          <span class="mono">{c.whatsapp_number}</span>
          {c.country && (
            <span class="country" title="Country">
              {c.country}
            </span>
          )}
          {c.description && <span class="muted contact-desc">{c.description}</span>}
        </div>
        <div class="contact-tags" data-testid="contact-tags">
          {c.tags.map((t) => (
            <span class="tag removable" key={t} data-tag={t}>
              {t}
              <button
                type="button"
                class="tag-x"
                disabled={busy}
                aria-label={`Remove tag ${t} from ${label}`}
                onClick={() => void act(() => call(api.contacts[":id"].tags[":tag"].$delete({ param: { id: c.id, tag: encodeURIComponent(t) } })))}
              >
                ×
              </button>
            </span>
          ))}
          {adding ? (
            <form class="tag-quick-add" onSubmit={addTag}>
              <input
                aria-label={`New tag for ${label}`}
                value={draft}
                list={listId}
                maxLength={50}
                placeholder="tag"
                // biome-ignore lint/a11y/noAutofocus: the field appears because the user clicked "+ tag"; focus goes where they asked to type.
                autoFocus
                onInput={(e) => setDraft(e.currentTarget.value)}
                onKeyDown={(e) => e.key === "Escape" && setAdding(false)}
              />
              <datalist id={listId}>
                {tagNames
                  .filter((t) => !c.tags.includes(t))
                  .map((t) => (
                    <option key={t} value={t} />
                  ))}
              </datalist>
              <button type="submit" disabled={busy || !draft.trim()}>
                Add
              </button>
              <button type="button" class="link" onClick={() => setAdding(false)}>
                Cancel
              </button>
            </form>
          ) : (
            <button type="button" class="tag-add" onClick={() => setAdding(true)} aria-label={`Add tag to ${label}`}>
              + tag
            </button>
          )}
        </div>
        {error && (
          <div class="small error" role="alert">
            {error}
          </div>
        )}
      </div>
      <div class="contact-actions">
        <WhatsAppButton contact={c} />
        <button type="button" onClick={onEdit} aria-label={`Edit ${label}`}>
          Edit
        </button>
      </div>
    </li>
  );
}

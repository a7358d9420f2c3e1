import { useEffect, useState } from "preact/hooks";
import { ApiError, api, call } from "../../api/client";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { JsonEditor, parseJsonObject } from "../../components/json-editor";
import { Modal } from "../../components/modal";
import { TagEditor } from "../../components/tag-editor";
import type { Contact } from "./types";

type Errors = Record<string, string>;

function existingId(err: ApiError): string | null {
  const d = err.details as { existing_id?: unknown } | undefined;
  return typeof d?.existing_id === "string" ? d.existing_id : null;
}

const pretty = (v: Record<string, unknown>) => (Object.keys(v).length ? JSON.stringify(v, null, 2) : "");
const blankToNull = (s: string) => (s.trim() === "" ? null : s.trim());

/** Loads a contact by id for the edit modal (opened from /contacts/<id>). */
export function EditContactLoader({
  id,
  suggestions,
  onClose,
  linkTo,
}: {
  id: string;
  suggestions: string[];
  onClose: () => void;
  linkTo: (id: string) => string;
}) {
  const [contact, setContact] = useState<Contact | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setContact(null);
    setError(null);
    call(api.contacts[":id"].$get({ param: { id: encodeURIComponent(id) } }))
      .then(setContact)
      .catch((err: unknown) => setError(err instanceof ApiError ? err.message : "Could not load the contact"));
  }, [id]);
  if (error)
    return (
      <Modal title="Contact" onClose={onClose}>
        <p class="error" role="alert">
          {error}
        </p>
        <div class="row" style={{ justifyContent: "flex-end" }}>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
      </Modal>
    );
  if (!contact)
    return (
      <Modal title="Contact" onClose={onClose}>
        <p class="muted">Loading…</p>
      </Modal>
    );
  return <ContactForm key={contact.id} contact={contact} suggestions={suggestions} onClose={onClose} linkTo={linkTo} />;
}

/** Add (no `contact`) or edit every field of a contact; field errors come from the API. */
export function ContactForm({
  contact,
  suggestions,
  onClose,
  linkTo,
}: {
  contact?: Contact;
  suggestions: string[];
  onClose: () => void;
  /** The URL that opens another contact (the one a duplicate number belongs to). */
  linkTo: (id: string) => string;
}) {
  const [name, setName] = useState(contact?.name ?? "");
  const [number, setNumber] = useState(contact?.whatsapp_number ?? "");
  const [description, setDescription] = useState(contact?.description ?? "");
  const [country, setCountry] = useState(contact?.country ?? "");
  const [tags, setTags] = useState<string[]>(contact?.tags ?? []);
  const [optedOut, setOptedOut] = useState(contact?.opted_out ?? false);
  const [context, setContext] = useState(pretty(contact?.llm_context ?? {}));
  const [errors, setErrors] = useState<Errors>({});
  const [duplicate, setDuplicate] = useState<{ message: string; id: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const parsed = parseJsonObject(context);

  const fail = (err: unknown, fallback: string) => {
    if (err instanceof ApiError && err.status === 409) {
      setDuplicate({ message: err.message, id: existingId(err) });
      setErrors({ whatsapp_number: "A contact with this number already exists" });
    } else if (err instanceof ApiError) {
      const fields = err.fieldErrors({ topLevel: true });
      setErrors(Object.keys(fields).length ? fields : { form: err.message });
    } else setErrors({ form: fallback });
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!parsed.ok) return setErrors({ llm_context: parsed.error });
    setBusy(true);
    setErrors({});
    setDuplicate(null);
    const fields = {
      name: blankToNull(name),
      whatsapp_number: number.trim(),
      description: blankToNull(description),
      country: blankToNull(country)?.toUpperCase() ?? null,
      tags,
      opted_out: optedOut,
    };
    try {
      if (!contact) {
        await call(api.contacts.$post({ json: { ...fields, llm_context: parsed.value } }));
      } else {
        const param = { id: contact.id };
        const patch: Partial<typeof fields> = {};
        for (const k of Object.keys(fields) as (keyof typeof fields)[])
          if (JSON.stringify(contact[k]) !== JSON.stringify(fields[k])) Object.assign(patch, { [k]: fields[k] });
        if (Object.keys(patch).length) await call(api.contacts[":id"].$patch({ param, json: patch }));
        // The editor holds the whole object, so saving replaces it (PUT), never merges.
        if (JSON.stringify(parsed.value) !== JSON.stringify(contact.llm_context))
          await call(api.contacts[":id"]["llm-context"].$put({ param, json: parsed.value }));
      }
      onClose();
    } catch (err) {
      fail(err, contact ? "Could not save the contact" : "Could not create the contact");
      setBusy(false);
    }
  };

  const fieldError = (k: string) => errors[k] && <span class="field-error">{errors[k]}</span>;
  const title = contact ? `Edit ${contact.name || contact.whatsapp_number}` : "Add a contact";
  return (
    <Modal title={title} onClose={onClose}>
      <form class="contact-form" onSubmit={submit} aria-label={title} noValidate>
        <label>
          Name
          <input name="name" value={name} maxLength={200} onInput={(e) => setName(e.currentTarget.value)} autoComplete="off" />
          {fieldError("name")}
        </label>
        <label>
          WhatsApp number
          <input
            name="whatsapp_number"
            type="tel"
            value={number}
            maxLength={40}
            placeholder="+55 11 98888-7777"
            required
            onInput={(e) => setNumber(e.currentTarget.value)}
          />
          {fieldError("whatsapp_number")}
          {duplicate && (
            <span class="small" data-testid="duplicate">
              {duplicate.message}.{" "}
              {duplicate.id && (
                <a href={linkTo(duplicate.id)} onClick={() => setDuplicate(null)}>
                  Open the existing contact
                </a>
              )}
            </span>
          )}
        </label>
        <div class="form-2col">
          <label>
            Country
            <input
              name="country"
              value={country}
              maxLength={2}
              placeholder="BR"
              onInput={(e) => setCountry(e.currentTarget.value.toUpperCase())}
              autoComplete="off"
            />
            <span class="small muted">Two letters; taken from the number when empty.</span>
            {fieldError("country")}
          </label>
          <label class="checkbox">
            <input type="checkbox" name="opted_out" checked={optedOut} onChange={(e) => setOptedOut(e.currentTarget.checked)} />
            Opted out (no campaigns)
            {fieldError("opted_out")}
          </label>
        </div>
        <label>
          Description
          <textarea name="description" rows={2} maxLength={2000} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
          {fieldError("description")}
        </label>
        <div class="field">
          <span class="field-label">Tags</span>
          <TagEditor tags={tags} onChange={setTags} suggestions={suggestions} label="Add a tag" id="contact-tags" />
          {fieldError("tags")}
        </div>
        <JsonEditor
          id="contact-llm-context"
          label="LLM context (JSON object the AI agent sees)"
          value={context}
          onInput={setContext}
          error={errors.llm_context}
          rows={6}
        />
        {errors.form && (
          <p class="error" role="alert">
            {errors.form}
          </p>
        )}
        <div class="row form-actions">
          {contact && (
            <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
              Delete
            </button>
          )}
          <span class="spacer" />
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy || !parsed.ok}>
            {busy ? "Saving…" : contact ? "Save" : "Add contact"}
          </button>
        </div>
      </form>
      {confirmDelete && contact && (
        <ConfirmDialog
          title="Delete contact"
          confirmLabel="Delete contact"
          danger
          onClose={() => setConfirmDelete(false)}
          onConfirm={async () => {
            await call(api.contacts[":id"].$delete({ param: { id: contact.id } }));
            onClose();
          }}
        >
          <p>
            Delete <strong>{contact.name || contact.whatsapp_number}</strong>? Its tags go with it; conversations keep their history.
          </p>
        </ConfirmDialog>
      )}
    </Modal>
  );
}

// Create/update rules shared by the API (and, later, the inbound-message path): numbers are
// normalised to E.164, country derives from the number, and a taken number is a 409.

import { conflict } from "../errors";
import { listInstances } from "../instances/instances.queries";
import type { Db } from "../platform/db/client";
import { isUniqueViolation } from "../platform/db/errors";
import { validationError } from "../platform/http/validate";
import { newId } from "../platform/lib/ids";
import { type ContactPatch, type ContactRow, findByNumber, insertContact, updateContact } from "./contacts.queries";
import type { CreateContactInput, PatchContactInput } from "./contacts.schemas";
import { type NormalisedPhone, normalisePhone } from "./phone";

export function normaliseOrThrow(raw: string, env: Env, country?: string | null): NormalisedPhone {
  const phone = normalisePhone(raw, env.DEFAULT_COUNTRY, country);
  if (!phone) throw validationError([{ path: "whatsapp_number", message: `"${raw.slice(0, 40)}" is not a valid phone number` }]);
  return phone;
}

async function duplicate(db: Db, e164: string) {
  const existing = await findByNumber(db, e164);
  return conflict(`A contact with number ${e164} already exists`, { existing_id: existing?.id ?? null });
}

export async function createContact(db: Db, env: Env, input: CreateContactInput, now = Date.now()): Promise<ContactRow> {
  const phone = normaliseOrThrow(input.whatsapp_number, env, input.country);
  // Checked first for a clean 409; the UNIQUE index still decides a race between two creates.
  const existing = await findByNumber(db, phone.e164);
  if (existing) throw conflict(`A contact with number ${phone.e164} already exists`, { existing_id: existing.id });
  try {
    return await insertContact(
      db,
      {
        id: newId("contact"),
        name: input.name ?? null,
        whatsappNumber: phone.e164,
        description: input.description ?? null,
        country: input.country ?? phone.country,
        tags: input.tags ?? [],
        llmContext: input.llm_context ?? {},
        optedOut: input.opted_out ?? false,
      },
      now,
    );
  } catch (err) {
    if (isUniqueViolation(err, "whatsapp_number")) throw await duplicate(db, phone.e164);
    throw err;
  }
}

export async function patchContact(db: Db, env: Env, current: ContactRow, input: PatchContactInput, now = Date.now()) {
  const patch: ContactPatch = {};
  if (input.name !== undefined) patch.name = input.name;
  if (input.description !== undefined) patch.description = input.description;
  if (input.country !== undefined) patch.country = input.country;
  if (input.tags !== undefined) patch.tags = input.tags;
  if (input.llm_context !== undefined) patch.llmContext = input.llm_context;
  if (input.opted_out !== undefined) patch.optedOut = input.opted_out;
  if (input.whatsapp_number !== undefined) {
    const phone = normaliseOrThrow(input.whatsapp_number, env, input.country ?? current.country);
    if (phone.e164 !== current.whatsappNumber) {
      const other = await findByNumber(db, phone.e164);
      if (other) throw conflict(`A contact with number ${phone.e164} already exists`, { existing_id: other.id });
      patch.whatsappNumber = phone.e164;
      // A new number from another country moves the contact, unless the caller set a country.
      if (input.country === undefined) patch.country = phone.country;
    }
  }
  try {
    return await updateContact(db, current.id, patch, now);
  } catch (err) {
    if (patch.whatsappNumber && isUniqueViolation(err, "whatsapp_number")) throw await duplicate(db, patch.whatsappNumber);
    throw err;
  }
}

/**
 * Each instance's inbox remembers the contacts it has seen by number: after a contact's number
 * or name changes, or it is deleted, they look it up again. Awaited, so the next message sees
 * the change; an instance that cannot be told is logged (D1 still guards naming, see resolveContact).
 */
export async function forgetInInboxes(env: Env, db: Db, contactId: string): Promise<void> {
  const instances = await listInstances(db);
  const told = await Promise.allSettled(instances.map((i) => env.WA_INSTANCE.getByName(i.id).forgetContact(contactId)));
  told.forEach((r, k) => {
    if (r.status === "rejected") console.warn(JSON.stringify({ at: "contacts.forget", instanceId: instances[k]!.id, contactId, error: String(r.reason) }));
  });
}

// Changes to a contact made on its behalf by automation (menus, agents) and by the API:
// the llm_context append rule (PRODUCT.md §4: deep merge) and tagging, each publishing live.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { changeTag } from "../db/queries/contacts-tags";
import { type ContactRow, getContact, setLlmContext } from "../db/queries/contacts";
import { contacts } from "../db/schema";
import { deepMerge } from "./json-merge";
import { publish } from "./realtime";

/** Deep-merges `entry` into the contact's llm_context (objects merge, arrays concatenate). */
export async function appendLlmContext(db: Db, contactId: string, entry: Record<string, unknown>, now = Date.now()): Promise<ContactRow | undefined> {
  const current = await getContact(db, contactId);
  if (!current) return undefined;
  return setLlmContext(db, contactId, deepMerge(current.llmContext, entry), now);
}

/** Adds or removes one tag; tells the contacts pages (and the tag counts) when it changed. */
export async function tagContact(env: Env, db: Db, contactId: string, tag: string, op: "add" | "remove"): Promise<boolean> {
  const changed = await changeTag(db, eq(contacts.id, contactId), tag, op, Date.now());
  if (changed) await Promise.all([publish(env, "contacts", contactId), publish(env, "tags")]);
  return changed;
}

// Changes to a contact made on its behalf by automation (menus, agents) and by the API:
// the llm_context append rule (PRODUCT.md §4: deep merge) and tagging, each publishing live.
import type { Db } from "../platform/db/client";
import { jsonTooDeep } from "../platform/lib/json";
import { deepMerge } from "../platform/lib/json-merge";
import { publish } from "../platform/realtime/publish";
import { MAX_LLM_CONTEXT_BYTES, MAX_LLM_CONTEXT_DEPTH } from "../shared/contacts";
import { type ContactRow, getContact, setLlmContext } from "./contacts.queries";
import { llmContextSchema } from "./contacts.schemas";
import { changeTag } from "./tags.queries";

export type AppendResult =
  | { ok: true; row: ContactRow }
  | { ok: false; reason: "not_found" }
  | { ok: false; reason: "too_large" | "too_deep"; message: string };

const TOO_DEEP = { ok: false, reason: "too_deep", message: `The merged llm_context would nest more than ${MAX_LLM_CONTEXT_DEPTH} levels` } as const;

/**
 * The llm_context append rule, for the API, menus and agents alike: `entry` is deep-merged
 * into what is there (objects merge, arrays concatenate, new scalars win), within the cap.
 */
export async function appendLlmContext(db: Db, contactId: string, entry: Record<string, unknown>, now = Date.now()): Promise<AppendResult> {
  // The entry's depth bounds deepMerge's recursion (a menu's or the model's entry is not
  // validated like an API body); the merge can still be too deep when what is stored already was.
  if (jsonTooDeep(entry, MAX_LLM_CONTEXT_DEPTH)) return TOO_DEEP;
  const current = await getContact(db, contactId);
  if (!current) return { ok: false, reason: "not_found" };
  const merged = deepMerge(current.llmContext, entry);
  if (jsonTooDeep(merged, MAX_LLM_CONTEXT_DEPTH)) return TOO_DEEP;
  if (!llmContextSchema.safeParse(merged).success)
    return { ok: false, reason: "too_large", message: `The merged llm_context would exceed ${MAX_LLM_CONTEXT_BYTES} bytes` };
  const row = await setLlmContext(db, contactId, merged, now);
  return row ? { ok: true, row } : { ok: false, reason: "not_found" };
}

/** Adds or removes one tag; tells the contacts pages (and the tag counts) when it changed. */
export async function tagContact(env: Env, db: Db, contactId: string, tag: string, op: "add" | "remove"): Promise<boolean> {
  const changed = await changeTag(db, contactId, tag, op, Date.now());
  if (changed) await Promise.all([publish(env, "contacts", contactId), publish(env, "tags")]);
  return changed;
}

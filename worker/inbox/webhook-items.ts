// The items of the message events (EVOLUTION.md §4.3–§4.6), narrowed once where a delivery
// enters the inbox; handlers get typed values. Loose objects: Evolution adds fields between
// releases, and a field of the wrong type reads as absent, as the handlers always read it —
// only what an item cannot do without (its key id) makes it unusable.
import { z } from "zod";

/** A string field: anything else reads as absent. */
const text = z.string().nullish().catch(undefined);

const messageKey = z.looseObject({
  id: z.string(),
  remoteJid: text,
  remoteJidAlt: text,
  fromMe: z.boolean().optional().catch(undefined),
});

/** One messages.upsert / send.message item (§4.3). */
const messageItemSchema = z.looseObject({
  key: messageKey,
  pushName: text,
  messageType: text,
  /** The content, read by messageContent(). */
  message: z.unknown().optional(),
  /** Epoch seconds: a number, a numeric string or a protobuf Long (read by timestampMs()). */
  messageTimestamp: z.unknown().optional(),
});

/** A message item, with `raw` as it arrived (what is stored with the message). */
export type MessageItem = z.infer<typeof messageItemSchema> & { raw: Record<string, unknown> };

/** null: not a message (no object, or no key.id). */
export function messageItem(value: unknown): MessageItem | null {
  const r = messageItemSchema.safeParse(value);
  // The schema accepted it as an object: `raw` keeps every field untouched.
  return r.success ? { ...r.data, raw: value as Record<string, unknown> } : null;
}

/** One messages.update item (§4.5): correlated by keyId. */
const updateItemSchema = z.looseObject({
  keyId: z.string(),
  remoteJid: text,
  status: z.union([z.string(), z.number()]).optional().catch(undefined),
});
export type UpdateItem = z.infer<typeof updateItemSchema>;

/** The usable items of a messages.update `data` (one item or an array); the rest are skipped. */
export function updateItems(data: unknown): UpdateItem[] {
  return (Array.isArray(data) ? data : [data]).flatMap((item) => {
    const r = updateItemSchema.safeParse(item);
    return r.success ? [r.data] : [];
  });
}

/** messages.delete `data` (§4.6): the key itself, or {key} (whose key then is the one). */
const deleteKeySchema = z
  .union([z.looseObject({ key: z.looseObject({}) }).transform((d) => d.key), z.unknown()])
  .pipe(z.looseObject({ id: z.string(), remoteJid: text }));
export type DeleteKey = z.infer<typeof deleteKeySchema>;

/** null: no message key. */
export function deleteKey(data: unknown): DeleteKey | null {
  const r = deleteKeySchema.safeParse(data);
  return r.success ? r.data : null;
}

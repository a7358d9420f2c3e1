// The send clock's hand-out: recipients become outbox rows. Each is rendered for its contact
// (the template, the attachment in R2) and stored with its claim in one transaction per chunk;
// opted-out or deleted contacts are skipped instead. Returns the outbox ids to queue.
import { getContacts } from "../contacts/contacts.queries";
import { base64Bytes, putMedia } from "../inbox/media-store";
import { outboxRow } from "../outbox/outbox";
import { getDb, type Stmt } from "../platform/db/client";
import { renderTemplate } from "../shared/campaign-template";
import type { MessageType } from "../shared/inbox";
import { type CampaignWithMessage, completeStmt, setAttachmentKey } from "./campaigns.queries";
import { claimForSendStmts, skipStmts } from "./recipients.queries";

/** Recipients per D1 batch (two statements each; contacts are read 90 at a time). */
const CHUNK = 45;

export function mediaTypeOf(mime: string | null): Exclude<MessageType, "text"> {
  const top = (mime ?? "").split("/")[0];
  return top === "image" || top === "video" || top === "audio" ? top : "document";
}

export const campaignMediaKey = (campaignId: string, messageId: string) => `campaign/${campaignId}/${messageId}`;

/** The R2 key of the campaign's attachment; one stored inline (before R2) is moved there once. */
async function attachmentKey(env: Env, c: CampaignWithMessage): Promise<string | null> {
  const m = c.message;
  if (!m) return null;
  if (m.attachmentKey) return m.attachmentKey;
  if (!m.attachmentBase64) return null;
  const key = campaignMediaKey(c.id, m.id);
  await putMedia(env, key, base64Bytes(m.attachmentBase64), m.attachmentMimeType ?? "application/octet-stream");
  await setAttachmentKey(getDb(env.DB), m.id, key);
  return key;
}

export async function handOut(env: Env, c: CampaignWithMessage, contactIds: string[], now: number): Promise<string[]> {
  if (!c.instanceId || !contactIds.length) return [];
  const db = getDb(env.DB);
  const m = c.message;
  const mediaKey = await attachmentKey(env, c);
  const type: MessageType = mediaKey ? mediaTypeOf(m?.attachmentMimeType ?? null) : "text";
  const out: string[] = [];
  for (let i = 0; i < contactIds.length; i += CHUNK) {
    const ids = contactIds.slice(i, i + CHUNK);
    const contacts = new Map((await getContacts(db, ids)).map((x) => [x.id, x]));
    const stmts: Stmt[] = [];
    const sends = new Map<number, string>();
    let skipped = false;
    for (const id of ids) {
      const contact = contacts.get(id);
      if (!contact || contact.optedOut) {
        stmts.push(...skipStmts(db, c.id, id, contact ? "Opted out" : "Contact deleted", now));
        skipped = true;
        continue;
      }
      const text = renderTemplate(m?.content ?? "", contact);
      const send = outboxRow(
        env,
        {
          key: `campaign:${c.id}:${id}`,
          instanceId: c.instanceId,
          sender: "campaign",
          number: contact.whatsappNumber,
          campaignId: c.id,
          contactId: id,
          type,
          // A voice note carries no caption on WhatsApp.
          content: type === "text" ? text : type === "audio" ? null : text || null,
          mediaKey,
          mimeType: mediaKey ? (m?.attachmentMimeType ?? null) : null,
          fileName: mediaKey ? (m?.attachmentFileName ?? null) : null,
        },
        now,
      );
      sends.set(stmts.length, send.id);
      stmts.push(...claimForSendStmts(db, c.id, id, send, now));
    }
    if (skipped) stmts.push(completeStmt(db, c.id, now));
    const [first, ...rest] = stmts;
    if (!first) continue;
    const results = await db.batch([first, ...rest]);
    for (const [at, id] of sends) if ((results[at] as unknown[]).length) out.push(id);
  }
  return out;
}

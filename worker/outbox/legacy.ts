// Messages of ours stored before the outbox existed (pending ones whose SEND_QUEUE message named
// the message itself, failed ones a user retries): each gets its outbox row on first use.
import { getContact } from "../contacts/contacts.queries";
import { getConversation } from "../inbox/conversations.queries";
import { getMessage } from "../inbox/messages.queries";
import { getDb } from "../platform/db/client";
import { storeSendStmt } from "./outbox";
import { linkOutboxStmt, outboxByKey } from "./outbox.queries";

/** The outbox row of this pending message of ours (created if it has none); null if it is not one to send. */
export async function messageSendFor(env: Env, messageId: string): Promise<string | null> {
  const db = getDb(env.DB);
  const m = await getMessage(db, messageId);
  if (!m?.fromMe || m.externalId || m.status !== "pending") return null;
  if (m.outboxId) return m.outboxId;
  if (m.sender !== "user" && m.sender !== "agent" && m.sender !== "workflow" && m.sender !== "campaign") return null;
  const conv = await getConversation(db, m.conversationId);
  const contact = conv ? await getContact(db, conv.contactId) : undefined;
  if (!contact) return null;
  const key = `message:${m.id}`;
  const send = storeSendStmt(
    db,
    env,
    {
      key,
      instanceId: m.instanceId,
      sender: m.sender,
      number: contact.whatsappNumber,
      messageId: m.id,
      contactId: contact.id,
      type: m.type,
      content: m.type === "text" ? (m.content ?? "") : m.caption,
      mediaKey: m.mediaKey,
      mimeType: m.mimeType,
      fileName: m.fileName,
    },
    Date.now(),
  );
  await send.stmt;
  const row = await outboxByKey(db, key);
  if (!row) return null;
  await linkOutboxStmt(db, m.id, row.id);
  return row.id;
}

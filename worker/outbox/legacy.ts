// Messages of ours stored before the outbox existed (pending ones whose SEND_QUEUE message named
// the message itself, failed ones a user retries): each gets its outbox row on first use.
import { getContact } from "../contacts/contacts.queries";
import { getConversation } from "../inbox/conversations.queries";
import { getMessage, OUR_SENDERS } from "../inbox/messages.queries";
import { getDb } from "../platform/db/client";
import { messageSend, storeSendStmt } from "./outbox";
import { linkOutboxStmt, outboxByKey } from "./outbox.queries";

/** The outbox row of this pending message of ours (created if it has none); null if it is not one to send. */
export async function messageSendFor(env: Env, messageId: string): Promise<string | null> {
  const db = getDb(env.DB);
  const m = await getMessage(db, messageId);
  if (!m?.fromMe || m.externalId || m.status !== "pending") return null;
  if (m.outboxId) return m.outboxId;
  const sender = OUR_SENDERS.find((s) => s === m.sender);
  if (!sender) return null;
  const conv = await getConversation(db, m.conversationId);
  const contact = conv ? await getContact(db, conv.contactId) : undefined;
  if (!contact) return null;
  const send = messageSend({ ...m, sender }, contact);
  await storeSendStmt(db, env, send, Date.now()).stmt;
  const row = await outboxByKey(db, send.key);
  if (!row) return null;
  await linkOutboxStmt(db, m.id, row.id);
  return row.id;
}

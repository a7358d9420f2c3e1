// Who answers a contact's message, in order (PRODUCT.md §5.5–§5.7):
//   1. campaigns — a reply marks the recipient `replied`; an opt-out keyword opts the contact
//      out (one confirmation is sent) and nobody else answers it;
//   2. menus — a trigger keyword or an answer to a running menu is the menu's to answer, and
//      the AI agent waits while a menu runs;
//   3. the AI agent (debounced), when one applies.
// Runs after the message is stored and settled; never throws.
import { type InboundRef, onInboundMessage } from "../agents/hooks";
import { onContactReply } from "../campaigns/followup";
import { runMenus } from "../menus/runtime";

export async function onContactMessage(env: Env, ref: InboundRef & { text: string | null; mayBeAnswering?: boolean }): Promise<void> {
  const { optedOut } = await onContactReply(env, ref.instanceId, ref.contactId, ref.text ?? "", ref.mayBeAnswering ?? true);
  if (optedOut) return;
  if (ref.text) {
    try {
      if ((await runMenus(env, { instanceId: ref.instanceId, contactId: ref.contactId, conversationId: ref.conversationId, text: ref.text })) === "handled")
        return;
    } catch (err) {
      console.error(JSON.stringify({ at: "menus.inbound", conversationId: ref.conversationId, error: String(err) }));
    }
  }
  await onInboundMessage(env, ref);
}

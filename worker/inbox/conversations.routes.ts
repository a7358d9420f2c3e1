// /api/conversations (PRODUCT.md §4): the inbox. One active conversation per (instance,
// contact); archiving lets the next message start a fresh one.
import { Hono } from "hono";
import { contactVisibleTo, getContact } from "../contacts/contacts.queries";
import type { AppEnv } from "../env";
import { notFound } from "../errors";
import { getInstance } from "../instances/instances.queries";
import { getDb } from "../platform/db/client";
import { validate } from "../platform/http/validate";
import { newId } from "../platform/lib/ids";
import { decodeCursor, pageOf } from "../platform/lib/pagination";
import { publish } from "../platform/realtime/publish";
import { audit } from "../team/audit";
import { assertCanSee, type Principal, scopeUserOf } from "../team/principal";
import { assertMayReply, assignConversation, autoAssign } from "./assignment";
import { loadConversation as load } from "./conversation-access";
import { conversationDto, messageDto } from "./conversations.dto";
import { type ConversationFilter, conversationSortValue, findOrCreateActive, listConversations, updateConversation } from "./conversations.queries";
import { agentBody, assignBody, createConversationBody, idParam, listQuery, messageParam, messagesQuery, sendMessageBody } from "./conversations.schemas";
import { listMessages } from "./messages.queries";
import { notesRoutes } from "./notes.routes";
import { queueOutbound, retryOutbound } from "./outbound";

/** ?assigned= as a filter; undefined: the admin token's "mine", which is always empty. */
function assignedFilter(assigned: "me" | "unassigned" | "all", p: Principal | undefined): Pick<ConversationFilter, "assigneeId"> | undefined {
  if (assigned === "all") return {};
  if (assigned === "unassigned") return { assigneeId: null };
  return p?.user ? { assigneeId: p.user.id } : undefined;
}

/** Applies a change, tells every dashboard, answers with the conversation. */
async function change(env: Env, id: string, patch: Parameters<typeof updateConversation>[2], p: Principal | undefined) {
  await load(env, id, p);
  await updateConversation(getDb(env.DB), id, patch);
  await publish(env, "conversations", id);
  return conversationDto(await load(env, id));
}

export const conversationsRoutes = new Hono<AppEnv>()
  .post("/", validate("json", createConversationBody), async (c) => {
    const { contact_id, instance_id } = c.req.valid("json");
    const db = getDb(c.env.DB);
    const [contact, instance] = await Promise.all([getContact(db, contact_id), getInstance(db, instance_id)]);
    const scope = c.get("principal")?.instanceIds;
    if (!contact || (scope && !(await contactVisibleTo(db, contact.id, scope)))) throw notFound("Contact");
    if (!instance) throw notFound("Instance");
    assertCanSee(c.get("principal"), instance.id, "Instance");
    const { row, created } = await findOrCreateActive(db, {
      id: newId("conversation"),
      instanceId: instance.id,
      instanceName: instance.name,
      contactId: contact.id,
      contactName: contact.name,
    });
    if (created) {
      await publish(c.env, "conversations", row.id);
      // Opened by a member of an auto-assigning unit: theirs; otherwise the unit's rotation.
      await autoAssign(c.env, row.id, instance.id, c.get("principal")?.user?.id);
    }
    return c.json(conversationDto(await load(c.env, row.id, c.get("principal"))), created ? 201 : 200);
  })

  .get("/", validate("query", listQuery), async (c) => {
    const q = c.req.valid("query");
    const assigned = assignedFilter(q.assigned, c.get("principal"));
    if (!assigned) return c.json({ items: [], next_cursor: null });
    const rows = await listConversations(
      getDb(c.env.DB),
      { instanceId: q.instance_id, q: q.q || undefined, status: q.status, scopeUserId: scopeUserOf(c.get("principal")), ...assigned },
      decodeCursor(q.cursor),
      q.limit + 1,
    );
    const page = pageOf(rows, q.limit, (r) => ({ v: conversationSortValue(r), id: r.id }));
    return c.json({ items: page.items.map(conversationDto), next_cursor: page.next_cursor });
  })

  .get("/:id", validate("param", idParam), async (c) => c.json(conversationDto(await load(c.env, c.req.valid("param").id, c.get("principal")))))

  .get("/:id/messages", validate("param", idParam), validate("query", messagesQuery), async (c) => {
    const { id } = c.req.valid("param");
    const q = c.req.valid("query");
    await load(c.env, id, c.get("principal"));
    const rows = await listMessages(getDb(c.env.DB), id, decodeCursor(q.before), q.limit + 1);
    const page = pageOf(rows, q.limit, (m) => ({ v: m.timestamp, id: m.id }));
    // Newest last in the page; next_cursor (pass as ?before=) reaches older messages.
    const items = await Promise.all(page.items.reverse().map((m) => messageDto(c.env, m)));
    return c.json({ items, next_cursor: page.next_cursor });
  })

  .post("/:id/messages", validate("param", idParam), validate("json", sendMessageBody), async (c) => {
    const p = c.get("principal");
    const conv = await load(c.env, c.req.valid("param").id, p);
    const { confirm, ...input } = c.req.valid("json");
    assertMayReply(p, conv, confirm === true);
    const row = await queueOutbound(c.env, conv, input, "user", p);
    await audit(c, { action: "message.send", targetType: "conversation", targetId: row.conversationId, details: { message_id: row.id, type: row.type } });
    return c.json(await messageDto(c.env, row), 202);
  })

  .post("/:id/messages/:messageId/retry", validate("param", messageParam), async (c) => {
    const { id, messageId } = c.req.valid("param");
    await load(c.env, id, c.get("principal"));
    const row = await retryOutbound(c.env, id, messageId);
    return c.json(await messageDto(c.env, row), 202);
  })

  .post("/:id/read", validate("param", idParam), async (c) => c.json(await change(c.env, c.req.valid("param").id, { unreadCount: 0 }, c.get("principal"))))

  .post("/:id/archive", validate("param", idParam), async (c) =>
    c.json(await change(c.env, c.req.valid("param").id, { status: "archived" }, c.get("principal"))),
  )

  .post("/:id/agent", validate("param", idParam), validate("json", agentBody), async (c) =>
    // Resuming clears the agent's last error: a person decided to let it try again.
    c.json(
      await change(
        c.env,
        c.req.valid("param").id,
        c.req.valid("json").paused ? { agentPaused: true } : { agentPaused: false, agentError: null },
        c.get("principal"),
      ),
    ),
  )

  .post("/:id/assign", validate("param", idParam), validate("json", assignBody), async (c) => {
    const conv = await load(c.env, c.req.valid("param").id, c.get("principal"));
    await assignConversation(c, conv, c.req.valid("json").user_id);
    return c.json(conversationDto(await load(c.env, conv.id)));
  })

  .route("/:id/notes", notesRoutes);

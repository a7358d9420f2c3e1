// Assignment (issue 17 §4): a conversation has one person working it, or none.
//   assignConversation — POST /api/conversations/:id/assign: agents take or drop their own,
//     owners/admins give it to anyone who can see it;
//   autoAssign — a new conversation on an instance whose unit auto-assigns goes round-robin to
//     the unit's members online now and below their capacity;
//   assertMayReply — a reply by someone other than the assignee needs `confirm: true`.
// Assigning a person pauses the AI agent on the conversation (the ownership lock).
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError, conflict } from "../errors";
import { getDb } from "../platform/db/client";
import { iso } from "../platform/lib/time";
import { CACHE_KEYS, cached, HOT_TTL_MS } from "../platform/lib/ttl-cache";
import { notifyUsers, onlineUserIds, publish } from "../platform/realtime/publish";
import { audit, auditStmt } from "../team/audit";
import { displayName, type Principal } from "../team/principal";
import { type AutoAssignPool, advanceRoundRobin, anyAutoAssignUnit, autoAssignPool, setAssignee, teammate } from "./assignment.queries";
import { type ConversationListRow, getConversation } from "./conversations.queries";

const invalid = (message: string) => new ApiError(400, "invalid_assignee", message, [{ path: "user_id", message }]);

const who = (conv: ConversationListRow) => conv.currentContactName ?? conv.contactName ?? conv.contactNumber;

/** Agents may take a conversation or drop their own; owners and admins may do anything. */
function assertMayAssign(p: Principal, conv: ConversationListRow, to: string | null): void {
  if (p.role !== "agent") return;
  const self = p.user?.id;
  if (to !== null && to === self) return;
  if (to === null && (conv.assigneeId === null || conv.assigneeId === self)) return;
  throw new ApiError(403, "forbidden", "Agents may assign a conversation only to themselves, and unassign only themselves");
}

/** The assignee must be an active person who can see the conversation. */
async function assertAssignable(env: Env, conv: ConversationListRow, userId: string): Promise<void> {
  const t = await teammate(getDb(env.DB), userId, conv.instanceId);
  if (!t) throw invalid(`No user with id ${userId}`);
  if (t.disabled) throw invalid(`${t.name} is disabled`);
  if (t.invited) throw invalid(`${t.name} has not accepted their invite yet`);
  if (!t.canSee)
    throw invalid(
      conv.instanceId === null
        ? `${t.name} cannot see this conversation: its instance was deleted, so only owners and admins can`
        : `${t.name} cannot see this conversation: they are not a member of its instance's unit`,
    );
}

/** Tells the new assignee (unless they did it themselves) and every dashboard. */
async function announce(env: Env, conv: ConversationListRow, to: string | null, by: { userId: string | null; name: string }) {
  await Promise.all([
    publish(env, "conversations", conv.id),
    to && to !== by.userId
      ? notifyUsers(env, [to], { type: "notification", kind: "assigned", conversation_id: conv.id, text: who(conv), by: by.name, at: iso(Date.now()) })
      : Promise.resolve(),
  ]);
}

export async function assignConversation(c: Context<AppEnv>, conv: ConversationListRow, to: string | null): Promise<void> {
  const p = c.get("principal");
  if (!p) throw new ApiError(401, "unauthorized", "Sign in first");
  assertMayAssign(p, conv, to);
  if (to === conv.assigneeId) return;
  if (to !== null) await assertAssignable(c.env, conv, to);
  if (!(await setAssignee(getDb(c.env.DB), conv.id, conv.assigneeId, to, Date.now())))
    throw conflict("The conversation was assigned by someone else meanwhile; reload it and try again");
  await audit(c, { action: "conversation.assign", targetType: "conversation", targetId: conv.id, details: { from: conv.assigneeId, to } });
  await announce(c.env, conv, to, { userId: p.user?.id ?? null, name: displayName(p) });
}

/** 409 `assigned_to_other` when someone else is assigned and the sender did not confirm. */
export function assertMayReply(p: Principal | undefined, conv: ConversationListRow, confirmed: boolean): void {
  if (confirmed || conv.assigneeId === null || (p?.user && conv.assigneeId === p.user.id)) return;
  const assignee = { id: conv.assigneeId, name: conv.assigneeName ?? "" };
  throw new ApiError(409, "assigned_to_other", `${assignee.name} is working this conversation; send with confirm: true to reply anyway`, { assignee });
}

/** Round-robin: the first eligible member after the last one given a conversation. */
export function nextInRotation(pool: AutoAssignPool, online: ReadonlySet<string>): string | null {
  const { members } = pool;
  const start = members.findIndex((m) => m.userId === pool.lastAssignedUserId) + 1;
  for (let i = 0; i < members.length; i++) {
    const m = members[(start + i) % members.length]!;
    if (online.has(m.userId) && (m.capacity === null || m.load < m.capacity)) return m.userId;
  }
  return null;
}

const ROTATION_ATTEMPTS = 3;

/**
 * Gives a conversation just created on `instanceId` to someone when its unit auto-assigns:
 * `prefer` (the member who opened it from the inbox) or the next member in the rotation who is
 * online and below capacity. Returns who, or null (no such unit, nobody eligible: it stays
 * unassigned). Without any auto-assigning unit this is one cached read, no query. Never throws.
 */
export async function autoAssign(env: Env, conversationId: string, instanceId: string, prefer?: string): Promise<string | null> {
  try {
    const db = getDb(env.DB);
    if (!(await cached(CACHE_KEYS.anyAutoAssignUnit, HOT_TTL_MS, () => anyAutoAssignUnit(db)))) return null;
    let pick: string | null = null;
    for (let attempt = 0; attempt < ROTATION_ATTEMPTS && pick === null; attempt++) {
      const pool = await autoAssignPool(db, instanceId);
      if (!pool?.members.length) return null;
      if (prefer && pool.members.some((m) => m.userId === prefer)) pick = prefer;
      else {
        const next = nextInRotation(pool, new Set(await onlineUserIds(env)));
        if (next === null) return null;
        // Compare-and-set on the cursor: two conversations at once go to two people.
        if (await advanceRoundRobin(db, pool.unitId, pool.lastAssignedUserId, next)) pick = next;
      }
    }
    if (pick === null || !(await setAssignee(db, conversationId, null, pick, Date.now()))) return null;
    await auditStmt(env, null, {
      action: "conversation.assign",
      targetType: "conversation",
      targetId: conversationId,
      details: { from: null, to: pick, auto: true },
    });
    const conv = await getConversation(db, conversationId);
    if (conv) await announce(env, conv, pick, { userId: null, name: "Auto-assignment" });
    return pick;
  } catch (err) {
    console.error(JSON.stringify({ at: "inbox.autoAssign", conversationId, error: String(err) }));
    return null;
  }
}

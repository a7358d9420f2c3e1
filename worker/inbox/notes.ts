// Private notes (issue 17 §5): written in the thread, shown only in the dashboard, never sent to
// WhatsApp and never part of the AI agent's prompt (they live in conversation_notes, which
// neither the outbox nor agents/prompt.ts reads). @mentions notify the people mentioned.
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../errors";
import { getDb } from "../platform/db/client";
import { newId } from "../platform/lib/ids";
import { iso } from "../platform/lib/time";
import { notifyUsers, publish } from "../platform/realtime/publish";
import type { NoteView } from "../shared/inbox";
import { audit } from "../team/audit";
import { displayName } from "../team/principal";
import { activeTeammatesSeeing, type Teammate, userNames } from "./assignment.queries";
import type { ConversationListRow } from "./conversations.queries";
import { insertNote, listNotes, type NoteRow } from "./notes.queries";

/** Notes a thread shows at most (the latest ones). */
export const MAX_NOTES = 500;

const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

/** What `@…` may say for a person: their first name, full name without spaces, or e-mail local part. */
function handlesOf(t: Pick<Teammate, "name" | "email">): string[] {
  const words = fold(t.name).split(/\s+/).filter(Boolean);
  return [words[0] ?? "", words.join(""), fold(t.email.split("@")[0] ?? "")].filter(Boolean);
}

/** The `@tokens` of a text, folded (case and accents), trailing punctuation dropped. */
export function mentionTokens(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/(?<![\p{L}\p{N}_.@-])@([\p{L}\p{N}][\p{L}\p{N}._-]*)/gu)) out.add(fold(m[1]!.replace(/[._-]+$/, "")));
  return [...out];
}

/** Who a note mentions: the explicit ids plus the people its @tokens name, among those who can see it. */
export function resolveMentions(text: string, explicitIds: readonly string[], people: readonly Teammate[]): Teammate[] {
  const tokens = new Set(mentionTokens(text));
  const ids = new Set(explicitIds);
  return people.filter((t) => ids.has(t.id) || handlesOf(t).some((h) => tokens.has(h)));
}

const noteView = (n: NoteRow, names: Map<string, string>): NoteView => ({
  id: n.id,
  conversation_id: n.conversationId,
  author: { id: n.userId, name: n.authorName },
  text: n.text,
  mentions: n.mentions.flatMap((id) => (names.has(id) ? [{ id, name: names.get(id)! }] : [])),
  created_at: iso(n.createdAt),
});

export async function notesOf(env: Env, conversationId: string): Promise<NoteView[]> {
  const db = getDb(env.DB);
  const rows = await listNotes(db, conversationId, MAX_NOTES);
  const names = await userNames(
    db,
    rows.flatMap((n) => n.mentions),
  );
  return rows.map((n) => noteView(n, names));
}

export async function createNote(c: Context<AppEnv>, conv: ConversationListRow, body: { text: string; mention_ids?: string[] }): Promise<NoteView> {
  const p = c.get("principal");
  if (!p) throw new ApiError(401, "unauthorized", "Sign in first");
  const db = getDb(c.env.DB);
  // Only people who can see the conversation can be mentioned; anyone else named is ignored.
  const mentioned = resolveMentions(body.text, body.mention_ids ?? [], await activeTeammatesSeeing(db, conv.instanceId));
  const by = displayName(p);
  const row = await insertNote(db, {
    id: newId("note"),
    conversationId: conv.id,
    userId: p.user?.id ?? null,
    authorName: by,
    text: body.text,
    mentions: mentioned.map((t) => t.id),
  });
  const notified = mentioned.filter((t) => t.id !== p.user?.id).map((t) => t.id);
  await Promise.all([
    publish(c.env, "notes", row.id, { conversation_id: conv.id }),
    notifyUsers(c.env, notified, {
      type: "notification",
      kind: "mention",
      conversation_id: conv.id,
      text: body.text.slice(0, 200),
      by,
      at: iso(row.createdAt),
    }),
    audit(c, { action: "note.create", targetType: "conversation", targetId: conv.id, details: { note_id: row.id, mentions: row.mentions } }),
  ]);
  return noteView(row, new Map(mentioned.map((t) => [t.id, t.name])));
}

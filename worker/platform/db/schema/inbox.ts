// The inbox: conversations (one active per instance and contact) and their messages.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { agents } from "./agents";
import { bool, createdAt, json, now, updatedAt } from "./columns";
import { contacts } from "./contacts";
import { instances } from "./instances";
import { users } from "./team";

export const conversations = sqliteTable(
  "conversations",
  {
    id: text("id").primaryKey(),
    // Set null when the instance is deleted: conversations keep their history.
    instanceId: text("instance_id").references(() => instances.id, { onDelete: "set null" }),
    instanceName: text("instance_name").notNull(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    contactName: text("contact_name"),
    lastMessageContent: text("last_message_content"),
    lastMessageAt: integer("last_message_at"),
    unreadCount: integer("unread_count").notNull().default(0),
    status: text("status", { enum: ["active", "archived"] })
      .notNull()
      .default("active"),
    agentId: text("agent_id").references(() => agents.id, { onDelete: "set null" }),
    agentPaused: bool("agent_paused").notNull().default(false),
    /** Why the AI agent stopped (e.g. "AI unavailable"); cleared when a person resumes it. */
    agentError: text("agent_error"),
    /** The person working this conversation (null: unassigned). */
    assigneeId: text("assignee_id").references(() => users.id, { onDelete: "set null" }),
    assignedAt: integer("assigned_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One active conversation per (instance, contact); archived ones are history.
    uniqueIndex("conversations_active_uq").on(t.instanceId, t.contactId).where(sql`status = 'active'`),
    index("conversations_last_message_idx").on(t.lastMessageAt, t.id),
    index("conversations_contact_idx").on(t.contactId),
    index("conversations_assignee_idx").on(t.assigneeId, t.lastMessageAt),
  ],
);

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    conversationId: text("conversation_id")
      .notNull()
      .references(() => conversations.id, { onDelete: "cascade" }),
    // Plain column (no FK) so the dedupe key survives the instance's deletion.
    instanceId: text("instance_id").notNull(),
    type: text("type", { enum: ["text", "image", "audio", "video", "document"] }).notNull(),
    fromMe: bool("from_me").notNull(),
    timestamp: integer("timestamp").notNull().default(now),
    content: text("content"),
    caption: text("caption"),
    mimeType: text("mime_type"),
    fileName: text("file_name"),
    // R2 key of the media bytes; the API hands the bytes out as a data URL.
    mediaKey: text("media_key"),
    externalId: text("external_id"),
    status: text("status", { enum: ["pending", "sent", "delivered", "read", "failed"] })
      .notNull()
      .default("pending"),
    error: text("error"),
    sender: text("sender", { enum: ["contact", "user", "agent", "campaign", "phone", "workflow"] }).notNull(),
    // Our sends: their row in the outbox (worker/outbox/).
    outboxId: text("outbox_id"),
    /** Who in the team sent it (sender "user"): kept by name too, so it survives the user. */
    senderUserId: text("sender_user_id"),
    senderName: text("sender_name"),
    deletedAt: integer("deleted_at"),
    raw: json<unknown>("raw"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("messages_external_uq").on(t.instanceId, t.externalId), index("messages_conversation_idx").on(t.conversationId, t.timestamp, t.id)],
);

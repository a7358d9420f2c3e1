// The single source of truth for Parley's tables (PRODUCT.md §3). drizzle-kit generates the
// SQL in migrations/ from this file; a test checks the migrated database against it.
// Timestamps are epoch milliseconds (UTC); JSON columns hold text parsed by drizzle.
import { sql } from "drizzle-orm";
import { type AnySQLiteColumn, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;
const createdAt = () => integer("created_at").notNull().default(now);
const updatedAt = () => integer("updated_at").notNull().default(now);
const bool = (name: string) => integer(name, { mode: "boolean" });
const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export type JsonObject = { [key: string]: unknown };

export const instances = sqliteTable("instances", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  number: text("number").notNull(),
  status: text("status", { enum: ["pending", "open", "closed"] })
    .notNull()
    .default("pending"),
  qrCodeBase64: text("qr_code_base64"),
  pairingCode: text("pairing_code"),
  qrCount: integer("qr_count").notNull().default(0),
  webhookUrl: text("webhook_url"),
  webhookSecret: text("webhook_secret").notNull(),
  evolutionToken: text("evolution_token"),
  ownerJid: text("owner_jid"),
  profileName: text("profile_name"),
  profilePictureUrl: text("profile_picture_url"),
  lastConnectedAt: integer("last_connected_at"),
  disconnectReason: text("disconnect_reason"),
  disconnectedAt: integer("disconnected_at"),
  // Time of the newest connection event applied: older, late deliveries are not applied.
  statusAt: integer("status_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    name: text("name"),
    whatsappNumber: text("whatsapp_number").notNull().unique(),
    description: text("description"),
    country: text("country"),
    tags: json<string[]>("tags").notNull().default([]),
    llmContext: json<JsonObject>("llm_context").notNull().default({}),
    optedOut: bool("opted_out").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("contacts_country_idx").on(t.country), index("contacts_created_idx").on(t.createdAt, t.id)],
);

export const contactTags = sqliteTable(
  "contact_tags",
  {
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    tag: text("tag").notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.tag] }), index("contact_tags_tag_idx").on(t.tag, t.contactId)],
);

export const agents = sqliteTable("agents", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  systemContext: text("system_context").notNull().default(""),
  memory: json<JsonObject>("memory").notNull().default({}),
  assignedTags: json<string[]>("assigned_tags").notNull().default([]),
  instanceId: text("instance_id").references(() => instances.id, { onDelete: "set null" }),
  model: text("model").notNull(),
  enabled: bool("enabled").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

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
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // One active conversation per (instance, contact); archived ones are history.
    uniqueIndex("conversations_active_uq").on(t.instanceId, t.contactId).where(sql`status = 'active'`),
    index("conversations_last_message_idx").on(t.lastMessageAt, t.id),
    index("conversations_contact_idx").on(t.contactId),
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
    deletedAt: integer("deleted_at"),
    raw: json<unknown>("raw"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("messages_external_uq").on(t.instanceId, t.externalId), index("messages_conversation_idx").on(t.conversationId, t.timestamp, t.id)],
);

export const campaigns = sqliteTable(
  "campaigns",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    targetTags: json<string[]>("target_tags").notNull().default([]),
    match: text("match", { enum: ["all", "any"] })
      .notNull()
      .default("all"),
    contactIds: json<string[]>("contact_ids").notNull().default([]),
    instanceId: text("instance_id").references(() => instances.id, { onDelete: "set null" }),
    contactCount: integer("contact_count").notNull().default(0),
    status: text("status", {
      enum: ["pending", "scheduled", "in_progress", "paused", "completed", "cancelled"],
    })
      .notNull()
      .default("pending"),
    sent: integer("sent").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    respondingAgentId: text("responding_agent_id").references(() => agents.id, { onDelete: "set null" }),
    startingCampaignMessageId: text("starting_campaign_message_id").references((): AnySQLiteColumn => campaignMessages.id, { onDelete: "set null" }),
    scheduledAt: integer("scheduled_at"),
    perMinute: integer("per_minute").notNull().default(6),
    jitterPct: integer("jitter_pct").notNull().default(30),
    dailyCap: integer("daily_cap"),
    windowStart: text("window_start"),
    windowEnd: text("window_end"),
    pauseReason: text("pause_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: integer("started_at"),
    completedAt: integer("completed_at"),
  },
  (t) => [index("campaigns_status_idx").on(t.status, t.scheduledAt)],
);

export const campaignMessages = sqliteTable(
  "campaign_messages",
  {
    id: text("id").primaryKey(),
    campaignId: text("campaign_id")
      .notNull()
      .references((): AnySQLiteColumn => campaigns.id, { onDelete: "cascade" }),
    content: text("content").notNull().default(""),
    attachmentBase64: text("attachment_base64"),
    attachmentMimeType: text("attachment_mime_type"),
    attachmentFileName: text("attachment_file_name"),
    timestamp: integer("timestamp").notNull().default(now),
    status: text("status", { enum: ["pending", "sent", "failed"] })
      .notNull()
      .default("pending"),
  },
  (t) => [index("campaign_messages_campaign_idx").on(t.campaignId)],
);

export const campaignRecipients = sqliteTable(
  "campaign_recipients",
  {
    campaignId: text("campaign_id")
      .notNull()
      .references(() => campaigns.id, { onDelete: "cascade" }),
    contactId: text("contact_id").notNull(),
    status: text("status", {
      enum: ["pending", "sent", "failed", "delivered", "read", "replied", "skipped"],
    })
      .notNull()
      .default("pending"),
    messageId: text("message_id"),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    sentAt: integer("sent_at"),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.contactId] }),
    index("campaign_recipients_status_idx").on(t.campaignId, t.status),
    index("campaign_recipients_message_idx").on(t.messageId),
    index("campaign_recipients_contact_idx").on(t.contactId),
  ],
);

export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    instanceId: text("instance_id").notNull(),
    instanceName: text("instance_name").notNull(),
    event: text("event").notNull(),
    dedupeKey: text("dedupe_key").notNull(),
    // The delivery as received, media bytes stripped.
    payload: text("payload").notNull(),
    deliveries: integer("deliveries").notNull().default(1),
    status: text("status", { enum: ["received", "processed", "ignored", "failed", "rejected"] })
      .notNull()
      .default("received"),
    receivedAt: integer("received_at").notNull().default(now),
    processedAt: integer("processed_at"),
    error: text("error"),
  },
  (t) => [uniqueIndex("webhook_events_dedupe_uq").on(t.instanceId, t.dedupeKey), index("webhook_events_status_idx").on(t.status, t.receivedAt)],
);

export const menuTemplates = sqliteTable("workflow_templates", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  type: text("type", { enum: ["button", "list", "text"] })
    .notNull()
    .default("text"),
  triggerKeywords: json<string[]>("trigger_keywords").notNull().default([]),
  menuStructure: json<JsonObject>("menu_structure").notNull(),
  isActive: bool("is_active").notNull().default(true),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const conversationState = sqliteTable(
  "conversation_state",
  {
    id: text("id").primaryKey(),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    instanceId: text("instance_id").notNull(),
    conversationFlow: text("conversation_flow").notNull(),
    currentStep: text("current_step").notNull(),
    context: json<JsonObject>("context").notNull().default({}),
    expiresAt: integer("expires_at").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("conversation_state_contact_uq").on(t.instanceId, t.contactId)],
);

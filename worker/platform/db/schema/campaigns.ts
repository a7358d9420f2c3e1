// Campaigns, their message and their recipients.
import { type AnySQLiteColumn, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { agents } from "./agents";
import { createdAt, json, now, updatedAt } from "./columns";
import { instances } from "./instances";

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
    // Who paused it: a user (only a user resumes it), a disconnected instance, or the instance's
    // circuit breaker (Evolution unreachable: resumed by the breaker when Evolution answers again).
    pausedBy: text("paused_by", { enum: ["user", "disconnected", "breaker"] }),
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
    // Before the outbox: the attachment inline (kept readable; new campaigns put it in R2).
    attachmentBase64: text("attachment_base64"),
    // R2 key of the attachment (every campaign send of it reads the same object).
    attachmentKey: text("attachment_key"),
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
    // The recipient's send in the outbox; set when the send clock hands the recipient out (its claim).
    outboxId: text("outbox_id"),
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

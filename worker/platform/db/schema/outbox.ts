// The outbox: one row per WhatsApp message we send, whoever sends it (an inbox user, an agent, a
// menu, a campaign, the opt-out confirmation), stored before anything is sent. Its state machine:
//   queued → sending → accepted (Evolution's key.id) → delivered → read
//   queued | sending → failed (error, retryable?) | cancelled
// `uncertain`: an earlier attempt may have reached Evolution (its answer was lost or a 5xx): the
// next attempt reconciles first (echo or Evolution's message lookup) and sends only if it did not.
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { bool, createdAt, updatedAt } from "./columns";

export const OUTBOX_STATES = ["queued", "sending", "accepted", "delivered", "read", "failed", "cancelled"] as const;

export const outbox = sqliteTable(
  "outbox",
  {
    id: text("id").primaryKey(),
    // Who asked for the send and what for: "message:<id>", "campaign:<campaign>:<contact>", "optout:<contact>:<event>".
    idempotencyKey: text("idempotency_key").notNull(),
    // Plain column (no FK): a deleted instance fails its rows with the reason, it does not erase them.
    instanceId: text("instance_id").notNull(),
    sender: text("sender", { enum: ["user", "agent", "campaign", "workflow"] }).notNull(),
    // The conversation message (inbox sends have it from the start; a campaign send's is written when accepted).
    messageId: text("message_id"),
    campaignId: text("campaign_id"),
    contactId: text("contact_id"),
    // Digits only, as Evolution's send bodies take it.
    number: text("number").notNull(),
    type: text("type", { enum: ["text", "image", "audio", "video", "document"] }).notNull(),
    // The rendered text (a text message) or caption (media); media bytes are in R2 under media_key.
    content: text("content"),
    mediaKey: text("media_key"),
    mimeType: text("mime_type"),
    fileName: text("file_name"),
    // What an echo or a looked-up message must carry to be this one (type + text/caption).
    contentHash: text("content_hash").notNull(),
    state: text("state", { enum: OUTBOX_STATES }).notNull().default("queued"),
    externalId: text("external_id"),
    attempts: integer("attempts").notNull().default(0),
    uncertain: bool("uncertain").notNull().default(false),
    firstAttemptAt: integer("first_attempt_at"),
    nextAttemptAt: integer("next_attempt_at").notNull(),
    // A claimed send belongs to its consumer until then; past it the sweeper takes it back.
    leaseUntil: integer("lease_until"),
    // The retry horizon: not accepted by then → failed (retryable) with the last reason.
    deadlineAt: integer("deadline_at").notNull(),
    error: text("error"),
    retryable: bool("retryable"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("outbox_idempotency_uq").on(t.idempotencyKey),
    index("outbox_due_idx").on(t.state, t.nextAttemptAt),
    index("outbox_instance_idx").on(t.instanceId, t.state),
    index("outbox_match_idx").on(t.instanceId, t.number, t.contentHash),
    index("outbox_message_idx").on(t.messageId),
    index("outbox_external_idx").on(t.instanceId, t.externalId),
    index("outbox_campaign_idx").on(t.campaignId, t.state),
  ],
);

// WhatsApp instances and the webhook deliveries they receive.
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { createdAt, now, updatedAt } from "./columns";
import { units } from "./team";

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
  // The outbox's circuit breaker (worker/outbox/breaker.ts): open since when, and why.
  breakerOpenSince: integer("breaker_open_since"),
  breakerError: text("breaker_error"),
  /** The unit whose people work this number (null: only owners and admins see it). */
  unitId: text("unit_id").references(() => units.id, { onDelete: "set null" }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

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

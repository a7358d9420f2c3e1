// The team (issue 17): people, their units, how they sign in, and what they did.
// A unit is a group of WhatsApp numbers and the people who work them; instances.unit_id says
// which unit a number belongs to.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { bool, createdAt, type JsonObject, json, updatedAt } from "./columns";

export const ROLES = ["owner", "admin", "agent"] as const;
export type Role = (typeof ROLES)[number];

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  /** Stored lower-cased. */
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  role: text("role", { enum: ROLES }).notNull(),
  /** `pbkdf2-sha256$<iterations>$<salt>$<hash>`; null until the invite is accepted. */
  passwordHash: text("password_hash"),
  disabled: bool("disabled").notNull().default(false),
  /** Most conversations auto-assignment gives this person at once (null: no limit). */
  capacity: integer("capacity"),
  lastSeenAt: integer("last_seen_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const units = sqliteTable("units", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  /** Round-robin new conversations among the members online now. */
  autoAssign: bool("auto_assign").notNull().default(false),
  /** The member auto-assignment gave the last conversation to (the round-robin cursor). */
  lastAssignedUserId: text("last_assigned_user_id"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const unitMembers = sqliteTable(
  "unit_members",
  {
    unitId: text("unit_id")
      .notNull()
      .references(() => units.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.unitId, t.userId] }), index("unit_members_user_idx").on(t.userId)],
);

/** One-time, expiring invite links; only the token's hash is kept. */
export const invites = sqliteTable("invites", {
  id: text("id").primaryKey(),
  userId: text("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  expiresAt: integer("expires_at").notNull(),
  usedAt: integer("used_at"),
  createdBy: text("created_by"),
  createdAt: createdAt(),
});

/**
 * Server-side sessions: the cookie holds a random token, the row its hash. Signing out,
 * disabling the user or changing the password revokes rows, which takes effect at once.
 * user_id null: a session opened with the admin token (the owner's bootstrap credential).
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull().unique(),
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    lastSeenAt: integer("last_seen_at"),
    userAgent: text("user_agent"),
    ip: text("ip"),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Per-user API keys: shown once, stored as a hash, act with their creator's role. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the key, to tell keys apart in lists. */
    prefix: text("prefix").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("api_keys_hash_uq").on(t.keyHash), index("api_keys_user_idx").on(t.userId)],
);

/** Private notes in a conversation's thread: never sent to WhatsApp. */
export const conversationNotes = sqliteTable(
  "conversation_notes",
  {
    id: text("id").primaryKey(),
    conversationId: text("conversation_id").notNull(),
    userId: text("user_id"),
    authorName: text("author_name").notNull(),
    text: text("text").notNull(),
    /** User ids @mentioned in the text. */
    mentions: json<string[]>("mentions").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("conversation_notes_conversation_idx").on(t.conversationId, t.createdAt)],
);

/** Append-only: who did what to what, when. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    at: integer("at").notNull(),
    actorUserId: text("actor_user_id"),
    /** Who, readable after the user is gone: a name and e-mail, "admin token", "system". */
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    details: json<JsonObject>("details"),
    ip: text("ip"),
  },
  (t) => [index("audit_log_at_idx").on(t.at, t.id)],
);

// Menu templates (the table keeps its first name, workflow_templates) and the running flows.
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { bool, createdAt, type JsonObject, json, updatedAt } from "./columns";
import { contacts } from "./contacts";

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

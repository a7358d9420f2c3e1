// Contacts and their tag rows (contact_tags mirrors contacts.tags for filters and counts).
import { index, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { bool, createdAt, type JsonObject, json, updatedAt } from "./columns";

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

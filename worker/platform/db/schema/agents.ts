// AI agents.
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { bool, createdAt, type JsonObject, json, updatedAt } from "./columns";
import { instances } from "./instances";

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

// Column helpers every table uses. Timestamps are epoch milliseconds (UTC); JSON columns hold
// text parsed by drizzle.
import { sql } from "drizzle-orm";
import { integer, text } from "drizzle-orm/sqlite-core";

export const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;
export const createdAt = () => integer("created_at").notNull().default(now);
export const updatedAt = () => integer("updated_at").notNull().default(now);
export const bool = (name: string) => integer(name, { mode: "boolean" });
export const json = <T>(name: string) => text(name, { mode: "json" }).$type<T>();

export type JsonObject = { [key: string]: unknown };

// The single source of truth for Parley's tables (PRODUCT.md §3), one file per concern.
// drizzle-kit generates the SQL in migrations/ from this index (drizzle.config.ts); a test checks
// the migrated database against it. Importers use "platform/db/schema" and get every table.
export * from "./agents";
export * from "./campaigns";
export type { JsonObject } from "./columns";
export * from "./contacts";
export * from "./inbox";
export * from "./instances";
export * from "./menus";
export * from "./outbox";
export * from "./team";

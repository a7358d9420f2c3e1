import type { BatchItem } from "drizzle-orm/batch";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

const make = (d1: D1Database) => drizzle(d1, { schema });
export type Db = ReturnType<typeof make>;

// Building a drizzle instance walks the whole schema (its relational config): do it once per
// binding object, not on every request and hook.
const instances = new WeakMap<D1Database, Db>();

export function getDb(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) instances.set(d1, (db = make(d1)));
  return db;
}

/** One statement of a db.batch(): what the *.queries.ts builders return for a caller's batch. */
export type Stmt = BatchItem<"sqlite">;

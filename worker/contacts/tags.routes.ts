import { Hono } from "hono";
import type { AppEnv } from "../env";
import { getDb } from "../platform/db/client";
import { tagCounts } from "./contacts.queries";

// GET /api/tags: every tag with its contact count, most used first (one GROUP BY over the
// contact_tags (tag, contact_id) index).
export const tagsRoutes = new Hono<AppEnv>().get("/", async (c) => c.json(await tagCounts(getDb(c.env.DB))));

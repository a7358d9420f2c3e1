// /api/conversations/:id/notes: the thread's private notes, for whoever may see the conversation.
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { validate } from "../platform/http/validate";
import { loadConversation } from "./conversation-access";
import { idParam, noteBody } from "./conversations.schemas";
import { createNote, notesOf } from "./notes";

export const notesRoutes = new Hono<AppEnv>()
  .get("/", validate("param", idParam), async (c) => {
    const conv = await loadConversation(c.env, c.req.valid("param").id, c.get("principal"));
    return c.json({ items: await notesOf(c.env, conv.id) });
  })
  .post("/", validate("param", idParam), validate("json", noteBody), async (c) => {
    const conv = await loadConversation(c.env, c.req.valid("param").id, c.get("principal"));
    return c.json(await createNote(c, conv, c.req.valid("json")), 201);
  });

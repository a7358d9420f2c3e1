// Request schemas for /api/conversations (CONVENTIONS §8).
import { z } from "zod";
import { MAX_PAGE_SIZE } from "../platform/lib/pagination";

const id = (prefix: string, what: string) => z.string().regex(new RegExp(`^${prefix}_[0-9A-Za-z]{20}$`), `Not ${what}`);

export const idParam = z.object({ id: id("cv", "a conversation id") });
export const messageParam = idParam.extend({ messageId: id("msg", "a message id") });

export const createConversationBody = z.strictObject({ contact_id: id("ct", "a contact id"), instance_id: id("ins", "an instance id") });

export const listQuery = z.object({
  instance_id: id("ins", "an instance id").optional(),
  q: z.string().trim().max(200).optional(),
  status: z.enum(["active", "archived", "all"]).default("active"),
  /** Mine / Unassigned / All (issue 17). `me` with the admin token is empty: nothing is assigned to the token. */
  assigned: z.enum(["me", "unassigned", "all"]).default("all"),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});

export const messagesQuery = z.object({
  before: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
});

export const agentBody = z.strictObject({ paused: z.boolean() });

export const assignBody = z.strictObject({ user_id: id("usr", "a user id").nullable() });

export const noteBody = z.strictObject({
  text: z.string().trim().min(1, "A note needs text").max(4000),
  mention_ids: z.array(id("usr", "a user id")).max(50).optional(),
});

/** ~16 MB of bytes as base64 (the route's body cap is 24 MB). */
const MAX_BASE64_CHARS = Math.ceil((16 * 1024 * 1024 * 4) / 3) + 4096;

export const sendMessageBody = z
  .strictObject({
    type: z.enum(["text", "image", "video", "document", "audio"]),
    content: z.string().max(4096).optional(),
    media_base64: z.string().min(1).max(MAX_BASE64_CHARS, "Attachment exceeds 16 MB").optional(),
    caption: z.string().max(1024).optional(),
    file_name: z.string().trim().min(1).max(255).optional(),
    mime_type: z
      .string()
      .trim()
      .max(127)
      .regex(/^[\w.+-]+\/[\w.+-]+(;.*)?$/, "Not a MIME type")
      .optional(),
    /** Reply although someone else is assigned (otherwise 409 assigned_to_other). */
    confirm: z.boolean().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.type === "text") {
      if (!v.content?.trim()) ctx.addIssue({ code: "custom", path: ["content"], message: "Text messages need content" });
      if (v.media_base64) ctx.addIssue({ code: "custom", path: ["media_base64"], message: "Text messages carry no attachment" });
    } else if (!v.media_base64) {
      ctx.addIssue({ code: "custom", path: ["media_base64"], message: `A ${v.type} message needs media_base64` });
    }
  });

export type SendMessageInput = z.infer<typeof sendMessageBody>;

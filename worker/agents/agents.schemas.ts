// Request schemas for /api/agents (CONVENTIONS §8).
import { z } from "zod";
import { tagSchema } from "../shared/tags";

export const MAX_AGENT_TAGS = 50;
/** Memory rides in every prompt: keep it small. */
export const MAX_MEMORY_BYTES = 16 * 1024;
export const MAX_SYSTEM_CONTEXT = 8000;

// Workers AI model ids look like @cf/<vendor>/<model> (or @hf/… for the older catalogue).
export const modelSchema = z
  .string()
  .trim()
  .max(200)
  .regex(/^@(cf|hf)\/[\w.-]+\/[\w.:-]+$/, "Use a Workers AI model id such as @cf/meta/llama-3.1-8b-instruct");

const memorySchema = z
  .record(z.string(), z.unknown())
  .refine((v) => new TextEncoder().encode(JSON.stringify(v)).length <= MAX_MEMORY_BYTES, `Memory must be at most ${MAX_MEMORY_BYTES} bytes of JSON`);

const fields = {
  name: z.string().trim().min(1, "Name is required").max(100, "At most 100 characters"),
  system_context: z.string().max(MAX_SYSTEM_CONTEXT, `At most ${MAX_SYSTEM_CONTEXT} characters`),
  memory: memorySchema,
  assigned_tags: z
    .array(tagSchema)
    .max(MAX_AGENT_TAGS, `At most ${MAX_AGENT_TAGS} tags`)
    .transform((tags) => [...new Set(tags)]),
  instance_id: z.string().regex(/^ins_[0-9A-Za-z]{20}$/, "Choose an instance"),
  model: modelSchema,
  enabled: z.boolean(),
};

export const createAgentBody = z.strictObject({
  ...fields,
  system_context: fields.system_context.default(""),
  memory: fields.memory.default({}),
  assigned_tags: fields.assigned_tags.default([]),
  model: fields.model.optional(),
  enabled: fields.enabled.default(true),
});

export const patchAgentBody = z
  .strictObject({
    name: fields.name.optional(),
    system_context: fields.system_context.optional(),
    memory: fields.memory.optional(),
    assigned_tags: fields.assigned_tags.optional(),
    instance_id: fields.instance_id.optional(),
    model: fields.model.optional(),
    enabled: fields.enabled.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "Send at least one field to change");

export const idParam = z.object({ id: z.string().regex(/^agt_[0-9A-Za-z]{20}$/, "Not an agent id") });

import { z } from "zod";

// The name is Evolution's instanceName and travels in URL paths: keep it URL-safe.
export const instanceName = z
  .string()
  .trim()
  .min(1, "Name is required")
  .max(64, "At most 64 characters")
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, "Use letters, digits, '.', '-' and '_' (start with a letter or digit)");

export const createInstanceBody = z.strictObject({
  name: instanceName,
  number: z.string().trim().min(4, "Enter the WhatsApp number with country code").max(32),
});

export const webhookBody = z.strictObject({
  url: z
    .string()
    .trim()
    .max(2048)
    .url("Must be a URL")
    .refine((u) => /^https?:\/\//.test(u), "Evolution only delivers to http(s) URLs")
    .optional(),
});

export const idParam = z.object({ id: z.string().regex(/^ins_[0-9A-Za-z]{20}$/, "Not an instance id") });

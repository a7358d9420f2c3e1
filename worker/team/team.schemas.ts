import { z } from "zod";
import { ROLES } from "../platform/db/schema";

const id = z.string().min(1).max(64);
const ids = z.array(id).max(90);
export const idParam = z.object({ id });
export const tokenParam = z.object({ token: z.string().min(10).max(128) });
export const password = z.string().min(10, "Use at least 10 characters").max(256);

export const createUserBody = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    name: z.string().trim().min(1).max(120),
    role: z.enum(ROLES),
    unit_ids: ids.default([]),
    capacity: z.number().int().min(1).max(1000).nullable().optional(),
  })
  .strict();

export const patchUserBody = z
  .object({
    name: z.string().trim().min(1).max(120).optional(),
    role: z.enum(ROLES).optional(),
    disabled: z.boolean().optional(),
    unit_ids: ids.optional(),
    capacity: z.number().int().min(1).max(1000).nullable().optional(),
  })
  .strict();

export const unitBody = z
  .object({
    name: z.string().trim().min(1).max(120),
    instance_ids: ids.default([]),
    member_ids: ids.default([]),
    auto_assign: z.boolean().optional(),
  })
  .strict();
export const patchUnitBody = z
  .object({ name: z.string().trim().min(1).max(120).optional(), instance_ids: ids.optional(), member_ids: ids.optional(), auto_assign: z.boolean().optional() })
  .strict();

export const acceptInviteBody = z.object({ token: z.string().min(10).max(128), password }).strict();
export const patchMeBody = z.object({ name: z.string().trim().min(1).max(120) }).strict();
export const passwordBody = z.object({ current_password: z.string().min(1).max(256), new_password: password }).strict();
export const apiKeyBody = z.object({ name: z.string().trim().min(1).max(120) }).strict();
export const auditQuery = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  action: z.string().max(64).optional(),
  actor: z.string().max(64).optional(),
});

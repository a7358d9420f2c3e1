import { z } from "zod";
import { menuStructure, triggerKeywords } from "../shared/menu-schema";

const name = z.string().trim().min(1, "Name is required").max(80);
const type = z.enum(["button", "list", "text"]);

export const createMenuBody = z.strictObject({
  name,
  type: type.default("text"),
  trigger_keywords: triggerKeywords,
  menu_structure: menuStructure,
  is_active: z.boolean().default(true),
});

export const patchMenuBody = z
  .strictObject({
    name: name.optional(),
    type: type.optional(),
    trigger_keywords: triggerKeywords.optional(),
    menu_structure: menuStructure.optional(),
    is_active: z.boolean().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, "Nothing to change");

export const menuIdParam = z.object({ id: z.string().regex(/^wf_[0-9A-Za-z]{20}$/, "Not a workflow id") });

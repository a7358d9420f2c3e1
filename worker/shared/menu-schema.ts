// The shape of a workflow template's menu (PRODUCT.md §5.7) and its graph checks: every
// `next` must name a step, so a template that points nowhere is refused with the path.
import { z } from "zod";
import { tagSchema } from "./tags";

const stepId = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9_-]+$/, "Use letters, digits, '-' and '_'");

const option = z.strictObject({
  id: z.string().trim().min(1).max(40),
  title: z.string().trim().min(1).max(80),
  next: stepId,
});

const endAction = z.strictObject({
  tag: tagSchema.optional(),
  llm_context: z.record(z.string(), z.unknown()).optional(),
  handoff: z.enum(["agent", "human", "none"]).default("none"),
  /** With handoff "agent": this agent; without it the usual agent routing decides. */
  agent_id: z
    .string()
    .regex(/^agt_[0-9A-Za-z]{20}$/)
    .optional(),
});

const step = z
  .strictObject({
    prompt: z.string().trim().min(1).max(1000),
    options: z.array(option).min(1).max(10).optional(),
    input: z.strictObject({ key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,39}$/, "A context key: letters, digits, '_'"), next: stepId }).optional(),
    end: endAction.optional(),
  })
  .refine((s) => [s.options, s.input, s.end].filter(Boolean).length === 1, "A step has exactly one of options, input or end");

export const menuStructure = z
  .strictObject({
    start: stepId,
    /** Minutes of silence after which the flow resets. */
    ttl_minutes: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 60)
      .default(30),
    steps: z.record(stepId, step).refine((s) => Object.keys(s).length > 0 && Object.keys(s).length <= 100, "Between 1 and 100 steps"),
  })
  .superRefine((m, ctx) => {
    const exists = (id: string) => Object.hasOwn(m.steps, id);
    if (!exists(m.start)) ctx.addIssue({ code: "custom", path: ["start"], message: `Step "${m.start}" does not exist` });
    for (const [id, s] of Object.entries(m.steps)) {
      s.options?.forEach((o, i) => {
        if (!exists(o.next)) ctx.addIssue({ code: "custom", path: ["steps", id, "options", i, "next"], message: `Step "${o.next}" does not exist` });
      });
      const ids = new Set<string>();
      s.options?.forEach((o, i) => {
        const key = o.id.toLowerCase();
        if (ids.has(key)) ctx.addIssue({ code: "custom", path: ["steps", id, "options", i, "id"], message: `Duplicate option id "${o.id}"` });
        ids.add(key);
      });
      if (s.input && !exists(s.input.next))
        ctx.addIssue({ code: "custom", path: ["steps", id, "input", "next"], message: `Step "${s.input.next}" does not exist` });
    }
  });

export type MenuStructure = z.infer<typeof menuStructure>;
export type MenuStep = MenuStructure["steps"][string];
export type EndAction = NonNullable<MenuStep["end"]>;

export const triggerKeywords = z.array(z.string().trim().min(1).max(60)).min(1, "At least one trigger keyword").max(20);

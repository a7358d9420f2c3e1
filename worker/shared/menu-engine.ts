// The menu runtime's decisions, free of I/O: which template a message triggers, how a step
// reads as numbered text (works on every WhatsApp account), and where an answer leads.
import type { EndAction, MenuStep, MenuStructure } from "./menu-schema";

/** Lower-case, accents removed, punctuation to spaces: "Olá, MENU!" → "ola menu". */
export function foldText(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Whole-word (or whole-phrase), case- and accent-insensitive keyword match. */
export function matchesKeyword(text: string, keyword: string): boolean {
  const k = foldText(keyword);
  if (!k) return false;
  return ` ${foldText(text)} `.includes(` ${k} `);
}

export type Template = { name: string; triggerKeywords: string[]; menu: MenuStructure };

export function findTrigger<T extends Template>(text: string, templates: T[]): T | undefined {
  return templates.find((t) => t.triggerKeywords.some((k) => matchesKeyword(text, k)));
}

/** Fills {{key}} from the flow's context; unknown keys render empty. */
export function fillContext(text: string, context: Record<string, unknown>): string {
  return text.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_, k: string) => {
    const v = context[k];
    return v === undefined || v === null ? "" : String(v);
  });
}

export function renderStep(step: MenuStep, context: Record<string, unknown>): string {
  const prompt = fillContext(step.prompt, context);
  if (!step.options) return prompt;
  return `${prompt}\n\n${step.options.map((o, i) => `${i + 1}. ${o.title}`).join("\n")}\n\nReply with the number of your choice.`;
}

export type Advance =
  | { kind: "moved"; step: string; context: Record<string, unknown> }
  | { kind: "invalid"; hint: string }
  | { kind: "ended"; step: string; end: EndAction; context: Record<string, unknown> };

/** The option an answer picks: its number, its id or its title (case/accent-insensitive). */
export function pickOption(step: MenuStep, answer: string) {
  const opts = step.options ?? [];
  const a = foldText(answer);
  const n = /^\d{1,2}$/.test(a) ? Number(a) : Number.NaN;
  if (Number.isInteger(n) && n >= 1 && n <= opts.length) return opts[n - 1];
  return opts.find((o) => foldText(o.id) === a) ?? opts.find((o) => foldText(o.title) === a);
}

/** Where an answer to `stepId` leads. End steps are reached, not answered. */
export function advance(menu: MenuStructure, stepId: string, answer: string, context: Record<string, unknown>): Advance {
  const step = menu.steps[stepId];
  if (!step) return { kind: "moved", step: menu.start, context };
  let next: string;
  let ctx = context;
  if (step.options) {
    const picked = pickOption(step, answer);
    if (!picked) return { kind: "invalid", hint: `Sorry, I didn't get that. Reply with a number from 1 to ${step.options.length}.` };
    next = picked.next;
    ctx = { ...context, [stepId]: picked.id };
  } else if (step.input) {
    const value = answer.trim().slice(0, 500);
    if (!value) return { kind: "invalid", hint: "Please type an answer." };
    next = step.input.next;
    ctx = { ...context, [step.input.key]: value };
  } else {
    return { kind: "ended", step: stepId, end: step.end!, context };
  }
  const target = menu.steps[next]!;
  return target.end ? { kind: "ended", step: next, end: target.end, context: ctx } : { kind: "moved", step: next, context: ctx };
}

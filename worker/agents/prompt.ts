// The prompt of one agent reply: instructions from the agent (system context, memory) and the
// contact (profile, llm_context), then the conversation's recent history, newest kept first,
// bounded by an approximate token budget rather than a fixed number of turns.
import type { ModelMessage } from "ai";
import type { AgentRow } from "./agents.queries";
import type { ContactRow, HistoryRow } from "./replies.queries";

/** History budget (approximate tokens): room for the instructions and the answer in an 8k context. */
export const HISTORY_TOKEN_BUDGET = 3000;
/** Rows read to fill the budget; short chats rarely need more. */
export const HISTORY_ROWS = 200;
/** One message never takes more than this share of the budget (a pasted document, say). */
const MAX_MESSAGE_TOKENS = 800;

/** ~4 characters per token for Latin text, plus per-message overhead: good enough for a budget. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4) + 4;
}

function lineOf(m: HistoryRow): string {
  const text = m.type === "text" ? (m.content ?? "") : [`[${m.type}${m.fileName ? `: ${m.fileName}` : ""}]`, m.caption ?? ""].filter(Boolean).join(" ");
  // The model must tell its own words from a colleague's: humans' messages are marked.
  if (m.sender === "user" || m.sender === "phone") return `[human colleague] ${text}`;
  if (m.sender === "campaign") return `[campaign message] ${text}`;
  return m.sender === "workflow" ? `[menu message] ${text}` : text;
}

function clip(text: string): string {
  const max = MAX_MESSAGE_TOKENS * 4;
  return text.length > max ? `${text.slice(0, max)} …[truncated]` : text;
}

/**
 * Walks the history newest-first until the budget is spent (the newest message always fits,
 * clipped if huge), then returns it oldest-first as model messages, consecutive same-role
 * messages joined (some chat templates require alternating roles).
 */
export function historyMessages(rows: HistoryRow[], budget = HISTORY_TOKEN_BUDGET): ModelMessage[] {
  const kept: { role: "user" | "assistant"; text: string }[] = [];
  let used = 0;
  for (const m of rows) {
    const text = clip(lineOf(m));
    if (!text.trim()) continue;
    const cost = estimateTokens(text);
    if (kept.length > 0 && used + cost > budget) break;
    used += cost;
    kept.push({ role: m.fromMe ? "assistant" : "user", text });
  }
  kept.reverse();
  const out: ModelMessage[] = [];
  for (const k of kept) {
    const last = out[out.length - 1];
    if (last && last.role === k.role && typeof last.content === "string") last.content = `${last.content}\n${k.text}`;
    else out.push(k.role === "user" ? { role: "user", content: k.text } : { role: "assistant", content: k.text });
  }
  return out;
}

const json = (v: unknown) => JSON.stringify(v, null, 1);

export function buildInstructions(
  agent: Pick<AgentRow, "name" | "systemContext" | "memory">,
  contact: Pick<ContactRow, "name" | "whatsappNumber" | "country" | "tags" | "llmContext">,
): string {
  const parts = [
    agent.systemContext.trim() || `You are ${agent.name}, a helpful assistant for this business.`,
    `You are replying on WhatsApp as "${agent.name}". Write short, plain-text messages (no markdown), in the contact's language.`,
    "Tools: use remember_about_contact to save durable facts the contact tells you (preferences, orders, dates); tag_contact / untag_contact to keep the contact's tags right; hand_over_to_human when the contact asks for a person, is upset, or you cannot help — then tell them briefly that a colleague will answer.",
    "Never invent prices, stock, policies or promises that are not in your instructions or memory.",
  ];
  if (Object.keys(agent.memory).length) parts.push(`## Your memory (business facts)\n${json(agent.memory)}`);
  const profile = [
    `Name: ${contact.name ?? "unknown"}`,
    `WhatsApp: ${contact.whatsappNumber}`,
    `Country: ${contact.country ?? "unknown"}`,
    `Tags: ${contact.tags.length ? contact.tags.join(", ") : "none"}`,
  ];
  parts.push(`## The contact\n${profile.join("\n")}`);
  parts.push(`## What we know about this contact (llm_context)\n${Object.keys(contact.llmContext).length ? json(contact.llmContext) : "{} (nothing yet)"}`);
  return parts.join("\n\n");
}

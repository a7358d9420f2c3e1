import { describe, expect, it } from "vitest";
import { historyMessages } from "../../agents/prompt";
import type { HistoryRow } from "../../agents/replies.queries";

const row = (sender: HistoryRow["sender"], content: string, i: number): HistoryRow => ({
  id: `m${i}`,
  type: "text",
  fromMe: sender !== "contact",
  sender,
  content,
  caption: null,
  fileName: null,
  timestamp: i,
});

describe("the agent's history", () => {
  it("marks what it did not write itself: a colleague's, a campaign's and a menu's messages", () => {
    const rows = [
      row("contact", "oi", 1),
      row("workflow", "1) Vendas", 2),
      row("campaign", "Promoção", 3),
      row("user", "Já te ajudo", 4),
      row("agent", "Claro!", 5),
    ].reverse();
    expect(historyMessages(rows)).toEqual([
      { role: "user", content: "oi" },
      { role: "assistant", content: "[menu message] 1) Vendas\n[campaign message] Promoção\n[human colleague] Já te ajudo\nClaro!" },
    ]);
  });
});

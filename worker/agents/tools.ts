// What the model may do besides answering (PRODUCT.md §5.6): remember a fact about the contact
// (the llm_context append rule), tag or untag the contact, hand the conversation to a human.
// Each tool returns a short result the model reads; none of them throws into the generation.
import { type ToolSet, tool } from "ai";
import { z } from "zod";
import { appendLlmContext, tagContact } from "../contacts/context";
import type { Db } from "../platform/db/client";
import { publish } from "../platform/realtime/publish";
import type { AgentConversationEvent } from "../shared/agents";
import { tagSchema } from "../shared/tags";
import { setAgentPaused } from "./replies.queries";

export type ToolRun = {
  env: Env;
  db: Db;
  agentId: string;
  conversationId: string;
  contactId: string;
  /** Set when the model handed over during this run: its last words may still go out. */
  handedOff: string | null;
  effects: string[];
};

export function agentTools(run: ToolRun): ToolSet {
  const tagTool = (op: "add" | "remove") =>
    tool({
      description: op === "add" ? "Add a tag to the contact (e.g. a product interest or a stage)." : "Remove a tag from the contact.",
      inputSchema: z.object({ tag: z.string().describe("one tag, lower-case, no commas") }),
      execute: async ({ tag }) => {
        const parsed = tagSchema.safeParse(tag);
        if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "invalid tag" };
        // The contacts feature's one-contact tag change: both tables in step, published live.
        const changed = await tagContact(run.env, run.db, run.contactId, parsed.data, op);
        if (changed) run.effects.push(`${op === "add" ? "tagged" : "untagged"} ${parsed.data}`);
        return { ok: true, changed };
      },
    });

  return {
    remember_about_contact: tool({
      description:
        "Save facts about this contact for future conversations. `entry` is a JSON object deep-merged into what we know (objects merge, arrays append).",
      inputSchema: z.object({ entry: z.record(z.string(), z.unknown()).describe('e.g. {"preferences": {"size": "M"}}') }),
      execute: async ({ entry }) => {
        const result = await appendLlmContext(run.db, run.contactId, entry);
        if (!result.ok) return { ok: false, error: result.reason === "not_found" ? "contact no longer exists" : `${result.message}; save less` };
        run.effects.push(`remembered ${Object.keys(entry).join(", ")}`);
        await publish(run.env, "contacts", run.contactId);
        return { ok: true };
      },
    }),
    tag_contact: tagTool("add"),
    untag_contact: tagTool("remove"),
    hand_over_to_human: tool({
      description: "Stop answering and hand this conversation to a human colleague. Say why.",
      inputSchema: z.object({ reason: z.string().max(500).describe("why a human should take over") }),
      execute: async ({ reason }) => {
        run.handedOff = reason || "requested by the agent";
        const changed = await setAgentPaused(run.db, run.conversationId, true);
        if (changed) {
          const data: AgentConversationEvent = { conversation_id: run.conversationId, agent_id: run.agentId, agent_status: "handoff", reason: run.handedOff };
          await publish(run.env, "conversations", run.conversationId, data);
        }
        run.effects.push("handed over");
        return { ok: true, note: "A human will take over. Tell the contact briefly, then stop." };
      },
    }),
  };
}

// AI agent API shapes (PRODUCT.md §3, §5.6), shared with the dashboard (web/ imports these types).

/** Used when an agent is created without a model: small, fast and tool-capable on Workers AI. */
export const DEFAULT_AGENT_MODEL = "@cf/meta/llama-3.1-8b-instruct";

export type AgentView = {
  id: string;
  name: string;
  system_context: string;
  memory: Record<string, unknown>;
  assigned_tags: string[];
  instance_id: string | null;
  model: string;
  enabled: boolean;
  created_at: string;
  updated_at: string;
};

/**
 * `data` of a realtime "conversations" change published by the agent pipeline. The inbox shows
 * `error` on the conversation (e.g. "AI unavailable …"); `handoff` means the agent handed the
 * conversation to a human (agent_paused is now true).
 */
export type AgentConversationEvent = {
  conversation_id: string;
  agent_id: string | null;
  agent_status: "replied" | "handoff" | "error";
  error?: string;
  reason?: string;
};

// The contacts API as clients see it: the dashboard, the tests and the Worker share these.

/** Serialised size cap of llm_context: it is sent to the model with every AI reply. */
export const MAX_LLM_CONTEXT_BYTES = 32 * 1024;
/** Nesting cap of llm_context (the object itself is level 1): facts about a person, not a tree. */
export const MAX_LLM_CONTEXT_DEPTH = 32;

export type ContactView = {
  id: string;
  name: string | null;
  whatsapp_number: string;
  description: string | null;
  country: string | null;
  tags: string[];
  llm_context: Record<string, unknown>;
  opted_out: boolean;
  created_at: string;
  updated_at: string;
};

export type ContactPage = { items: ContactView[]; count: number; next_cursor: string | null };
export type TagCount = { tag: string; count: number };

/** POST /api/contacts/import: what was created, updated and rejected (first rows listed). */
export type ImportReport = {
  created: number;
  updated: number;
  rejected_count: number;
  rejected: { row: number; reason: string }[];
  truncated: boolean;
};

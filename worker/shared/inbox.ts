// Inbox API shapes (PRODUCT.md §3–§4), shared with the dashboard (web/ imports these types).
export type MessageType = "text" | "image" | "audio" | "video" | "document";
export type MessageStatus = "pending" | "sent" | "delivered" | "read" | "failed";
export type MessageSender = "contact" | "user" | "agent" | "campaign" | "phone" | "workflow";

export type ConversationView = {
  id: string;
  instance_id: string | null;
  instance_name: string;
  contact_id: string;
  contact_name: string | null;
  contact_number: string;
  last_message_content: string | null;
  last_message_at: string | null;
  unread_count: number;
  status: "active" | "archived";
  agent_id: string | null;
  agent_paused: boolean;
  /** Why the AI agent stopped on this conversation, until someone resumes it. */
  agent_error: string | null;
  /** The interactive menu the contact is in on this number, while it runs. */
  flow: { name: string; step: string; expires_at: string } | null;
  created_at: string;
  updated_at: string;
};

export type MessageView = {
  id: string;
  conversation_id: string;
  type: MessageType;
  from_me: boolean;
  timestamp: string;
  /** Text, or for media a `data:<mime>;base64,…` URL once the bytes are stored (null until then). */
  content: string | null;
  caption: string | null;
  mime_type: string | null;
  file_name: string | null;
  external_id: string | null;
  status: MessageStatus;
  error: string | null;
  sender: MessageSender;
  deleted_at: string | null;
  /** Media whose bytes are still being fetched from Evolution. */
  media_pending: boolean;
};

export type Page<T> = { items: T[]; next_cursor: string | null };

/** `data` of a realtime "messages" change. */
export type MessagesChanged = { conversation_id: string; message_id?: string };

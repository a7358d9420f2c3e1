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
  /** The person working this conversation (issue 17), or null: unassigned. */
  assignee: { id: string; name: string } | null;
  assigned_at: string | null;
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
  /** Who in the team sent it from the inbox (sender "user"); null for everything else. */
  sender_name: string | null;
  deleted_at: string | null;
  /** Media whose bytes are still being fetched from Evolution. */
  media_pending: boolean;
};

export type Page<T> = { items: T[]; next_cursor: string | null };

/** `data` of a realtime "messages" change. */
export type MessagesChanged = { conversation_id: string; message_id?: string };

/** A private note in a conversation's thread: never sent to WhatsApp, never shown to the AI agent. */
export type NoteView = {
  id: string;
  conversation_id: string;
  /** id null: written with the admin token. */
  author: { id: string | null; name: string };
  text: string;
  mentions: { id: string; name: string }[];
  created_at: string;
};

/** The 409 a reply gets while someone else is assigned (resend with `confirm: true`). */
export type AssignedToOtherDetails = { assignee: { id: string; name: string } };

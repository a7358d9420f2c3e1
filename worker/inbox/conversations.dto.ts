// API shapes: snake_case, ISO timestamps; media content as a data URL read from R2.

import { iso } from "../platform/lib/time";
import type { ConversationView, MessageView } from "../shared/inbox";
import type { ConversationListRow } from "./conversations.queries";
import { mediaDataUrl } from "./media-store";
import type { MessageRow } from "./messages.queries";

export function conversationDto(r: ConversationListRow): ConversationView {
  return {
    id: r.id,
    instance_id: r.instanceId,
    instance_name: r.instanceName,
    contact_id: r.contactId,
    contact_name: r.currentContactName ?? r.contactName,
    contact_number: r.contactNumber,
    last_message_content: r.lastMessageContent,
    last_message_at: iso(r.lastMessageAt),
    unread_count: r.unreadCount,
    status: r.status,
    agent_id: r.agentId,
    agent_paused: r.agentPaused,
    agent_error: r.agentError,
    flow: r.flow ? { name: r.flow.name, step: r.flow.step, expires_at: iso(r.flow.expiresAt) } : null,
    assignee: r.assigneeId ? { id: r.assigneeId, name: r.assigneeName ?? "" } : null,
    assigned_at: iso(r.assignedAt),
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

export async function messageDto(env: Env, m: MessageRow): Promise<MessageView> {
  const media = m.type !== "text";
  const content = media
    ? m.mediaKey && m.deletedAt === null
      ? await mediaDataUrl(env, m.mediaKey, m.mimeType)
      : null
    : m.deletedAt === null
      ? m.content
      : null;
  return {
    id: m.id,
    conversation_id: m.conversationId,
    type: m.type,
    from_me: m.fromMe,
    timestamp: iso(m.timestamp),
    content,
    caption: m.deletedAt === null ? m.caption : null,
    mime_type: m.mimeType,
    file_name: m.fileName,
    external_id: m.externalId,
    status: m.status,
    error: m.error,
    sender: m.sender,
    sender_name: m.sender === "user" ? m.senderName : null,
    deleted_at: iso(m.deletedAt),
    media_pending: media && !m.mediaKey && !m.error && m.deletedAt === null,
  };
}

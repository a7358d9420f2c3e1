// API shapes for campaigns: snake_case, ISO timestamps, exact counters with pending derived.

import { iso } from "../platform/lib/time";
import type { CampaignRecipientView, CampaignView } from "../shared/campaigns";
import type { CampaignRow, CampaignWithMessage } from "./campaigns.queries";
import { pacingOf } from "./pacing";
import type { RecipientRow } from "./recipients.queries";

export function campaignDto(row: CampaignRow & { instanceName: string | null; message?: CampaignWithMessage["message"] }): CampaignView {
  const p = pacingOf(row);
  const m = row.message;
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    pause_reason: row.pauseReason,
    paused_by: row.status === "paused" ? row.pausedBy : null,
    target_tags: row.targetTags,
    match: row.match,
    contact_ids_count: row.contactIds.length,
    instance_id: row.instanceId,
    instance_name: row.instanceName,
    message: m ? { content: m.content, has_attachment: Boolean(m.attachmentBase64), mime_type: m.attachmentMimeType, file_name: m.attachmentFileName } : null,
    responding_agent_id: row.respondingAgentId,
    scheduled_at: iso(row.scheduledAt),
    pacing: { per_minute: p.perMinute, jitter_pct: p.jitterPct, daily_cap: p.dailyCap, window: p.window },
    contact_count: row.contactCount,
    sent: row.sent,
    failed: row.failed,
    skipped: row.skipped,
    // Exact by construction: counters move in the same transaction as the recipients.
    pending: Math.max(0, row.contactCount - row.sent - row.failed - row.skipped),
    created_at: iso(row.createdAt),
    updated_at: iso(row.updatedAt),
    started_at: iso(row.startedAt),
    completed_at: iso(row.completedAt),
  };
}

export function recipientDto(x: { recipient: RecipientRow; name: string | null; number: string | null }): CampaignRecipientView {
  return {
    contact_id: x.recipient.contactId,
    name: x.name,
    whatsapp_number: x.number,
    status: x.recipient.status,
    error: x.recipient.error,
    attempts: x.recipient.attempts,
    message_id: x.recipient.messageId,
    sent_at: iso(x.recipient.sentAt),
    updated_at: iso(x.recipient.updatedAt),
  };
}

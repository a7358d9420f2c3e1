// Campaign API shapes shared with the dashboard (type-only imports from web/).
export type CampaignStatus = "pending" | "scheduled" | "in_progress" | "paused" | "completed" | "cancelled";
export type RecipientStatus = "pending" | "sent" | "failed" | "delivered" | "read" | "replied" | "skipped";

export type CampaignView = {
  id: string;
  name: string;
  status: CampaignStatus;
  pause_reason: string | null;
  /** Who paused it: a user (only a user resumes it), a disconnected instance, or the instance's breaker (it resumes it). */
  paused_by: "user" | "disconnected" | "breaker" | null;
  target_tags: string[];
  match: "all" | "any";
  contact_ids_count: number;
  instance_id: string | null;
  instance_name: string | null;
  message: { content: string; has_attachment: boolean; mime_type: string | null; file_name: string | null } | null;
  responding_agent_id: string | null;
  scheduled_at: string | null;
  pacing: { per_minute: number; jitter_pct: number; daily_cap: number | null; window: { start: string; end: string; timezone: string } | null };
  contact_count: number;
  sent: number;
  failed: number;
  skipped: number;
  pending: number;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  completed_at: string | null;
};

export type CampaignDetail = CampaignView & { recipients_by_status: Partial<Record<RecipientStatus, number>> };

export type CampaignRecipientView = {
  contact_id: string;
  name: string | null;
  whatsapp_number: string | null;
  status: RecipientStatus;
  error: string | null;
  attempts: number;
  message_id: string | null;
  sent_at: string | null;
  updated_at: string;
};

export type AudienceResult = { count: number; sample: { name: string | null; country: string | null; number: string } | null };

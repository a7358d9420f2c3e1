// The instance as the API and the realtime socket show it. Never carries the webhook secret
// or the Evolution token.
export type InstanceStatus = "pending" | "open" | "closed";

export type InstanceView = {
  id: string;
  name: string;
  number: string;
  status: InstanceStatus;
  qr_code_base64: string | null;
  pairing_code: string | null;
  qr_count: number;
  webhook_url: string | null;
  owner_jid: string | null;
  profile_name: string | null;
  profile_picture_url: string | null;
  last_connected_at: string | null;
  disconnect_reason: string | null;
  disconnected_at: string | null;
  /** The outbox's circuit breaker: Evolution has not answered this instance's sends since then (null: it answers). */
  evolution_unreachable_since: string | null;
  evolution_error: string | null;
  /** The unit whose people work this number (null: owners and admins only). */
  unit_id: string | null;
  created_at: string;
  updated_at: string;
};

import { iso } from "../platform/lib/time";
import type { InstanceView } from "../shared/instances";
import type { InstanceRow } from "./instances.queries";

export function toInstanceView(r: InstanceRow): InstanceView {
  return {
    id: r.id,
    name: r.name,
    number: r.number,
    status: r.status,
    qr_code_base64: r.qrCodeBase64,
    pairing_code: r.pairingCode,
    qr_count: r.qrCount,
    webhook_url: r.webhookUrl,
    owner_jid: r.ownerJid,
    profile_name: r.profileName,
    profile_picture_url: r.profilePictureUrl,
    last_connected_at: iso(r.lastConnectedAt),
    disconnect_reason: r.disconnectReason,
    disconnected_at: iso(r.disconnectedAt),
    evolution_unreachable_since: r.breakerOpenSince === null ? null : iso(r.breakerOpenSince),
    evolution_error: r.breakerError,
    unit_id: r.unitId,
    created_at: iso(r.createdAt),
    updated_at: iso(r.updatedAt),
  };
}

// How Evolution's lifecycle events move an instance (EVOLUTION.md §4.1, §4.2, §4.7).
// Pure: given the current row and one event, returns the columns to change (or null).
import type { InstancePatch, InstanceRow } from "./instances.queries";

const REASONS: Record<number, string> = {
  401: "Logged out from the phone",
  402: "Account unavailable",
  403: "Forbidden by WhatsApp (the number may be banned)",
  406: "Not acceptable (session rejected)",
  408: "Connection lost or timed out",
  411: "Multi-device mismatch",
  428: "Connection closed (QR code limit reached)",
  440: "Connection replaced by another session",
  500: "Bad session",
  503: "WhatsApp unavailable",
  515: "Restart required",
};

export function disconnectReason(code: number | null | undefined, fallback = "Disconnected"): string {
  return code ? `${REASONS[code] ?? fallback} (${code})` : fallback;
}

/** Evolution's `connecting` is our pending; `close` and `refused` are closed. */
export function mapState(state: string): InstanceRow["status"] | null {
  switch (state) {
    case "open":
      return "open";
    case "connecting":
      return "pending";
    case "close":
    case "closed":
    case "refused":
      return "closed";
    default:
      return null;
  }
}

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === "string" && v.length > 0 ? v : null);

/**
 * The change an event makes, or null when it changes nothing. `at` orders events: one older
 * than the newest applied status change (a late retry) does not move the status back.
 */
export function instanceChange(row: InstanceRow, event: string, data: unknown, at: number): InstancePatch | null {
  const d = (data ?? {}) as Data;
  const stale = row.statusAt !== null && at < row.statusAt;
  switch (event) {
    case "qrcode.updated": {
      const qr = d.qrcode as Data | undefined;
      if (!qr) {
        // QR limit reached: Evolution logs the socket out; a new QR needs `connect`.
        if (stale) return null;
        return {
          status: "closed",
          qrCodeBase64: null,
          pairingCode: null,
          statusAt: at,
          disconnectedAt: at,
          disconnectReason: str(d.message) ?? "QR code limit reached",
        };
      }
      if (stale || row.status === "open") return null;
      return {
        status: "pending",
        qrCodeBase64: str(qr.base64) ?? row.qrCodeBase64,
        pairingCode: str(qr.pairingCode),
        qrCount: row.qrCount + 1,
        statusAt: at,
      };
    }
    case "connection.update": {
      const status = mapState(String(d.state));
      if (!status || stale) return null;
      const reason = typeof d.statusReason === "number" ? d.statusReason : null;
      if (status === "open")
        return {
          status,
          statusAt: at,
          lastConnectedAt: at,
          qrCodeBase64: null,
          pairingCode: null,
          disconnectReason: null,
          ownerJid: str(d.wuid) ?? row.ownerJid,
          profileName: str(d.profileName) ?? row.profileName,
          profilePictureUrl: str(d.profilePictureUrl) ?? row.profilePictureUrl,
        };
      if (status === "closed")
        return {
          status,
          statusAt: at,
          disconnectedAt: at,
          qrCodeBase64: null,
          pairingCode: null,
          disconnectReason: disconnectReason(reason, d.state === "refused" ? "Refused" : "Disconnected"),
        };
      return { status, statusAt: at };
    }
    case "status.instance": {
      if (stale || mapState(String(d.status)) !== "closed") return null;
      const code = typeof d.disconnectionReasonCode === "number" ? d.disconnectionReasonCode : null;
      return { status: "closed", statusAt: at, disconnectedAt: at, disconnectReason: disconnectReason(code) };
    }
    case "logout.instance":
      if (stale) return null;
      return { status: "closed", statusAt: at, disconnectedAt: at, qrCodeBase64: null, pairingCode: null, disconnectReason: "Logged out" };
    case "remove.instance":
      if (stale) return null;
      return {
        status: "closed",
        statusAt: at,
        disconnectedAt: at,
        qrCodeBase64: null,
        pairingCode: null,
        disconnectReason: "Removed from the Evolution server",
      };
    default:
      return null;
  }
}

export const INSTANCE_EVENTS = new Set(["qrcode.updated", "connection.update", "status.instance", "logout.instance", "remove.instance"]);

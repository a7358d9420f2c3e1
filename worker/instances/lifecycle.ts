// How Evolution's lifecycle events (EVOLUTION.md §4.1, §4.2, §4.7) and the API's own actions
// (create, connect, logout) move an instance. Pure: given the current row and one event or
// action, returns the columns to change. WaInstance applies them: it is their only writer.
import type { ConnectResult, QrCode } from "../platform/evolution/client";
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

/** An API action's change to the connection, applied by WaInstance in order with the events. */
export type ApiChange =
  /** Created on Evolution: its token and the first QR it answered with. */
  | { kind: "created"; token: string; qrcode?: QrCode }
  /** GET /instance/connect answered: open already, or a QR (and pairing code) to scan. */
  | { kind: "connect"; result: ConnectResult }
  /** Logged out (or Evolution said it was not connected). */
  | { kind: "logout" };

export function apiChange(row: InstanceRow, change: ApiChange, at: number): InstancePatch {
  switch (change.kind) {
    case "created": {
      const qr = change.qrcode;
      return { evolutionToken: change.token, qrCodeBase64: qr?.base64 ?? null, pairingCode: qr?.pairingCode ?? null, qrCount: qr?.base64 ? 1 : 0 };
    }
    case "connect": {
      const r = change.result;
      if (r.open) return { status: "open", qrCodeBase64: null, pairingCode: null };
      return {
        status: "pending",
        statusAt: at,
        disconnectReason: null,
        qrCodeBase64: r.qrcode.base64 ?? row.qrCodeBase64,
        pairingCode: r.qrcode.pairingCode ?? null,
        qrCount: r.qrcode.base64 ? row.qrCount + 1 : row.qrCount,
      };
    }
    case "logout":
      return { status: "closed", statusAt: at, disconnectedAt: at, disconnectReason: "Logged out from Parley", qrCodeBase64: null, pairingCode: null };
  }
}

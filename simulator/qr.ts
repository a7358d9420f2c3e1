import QRCode from "qrcode";
import { bytesToBase64, encodePng } from "./png";

// qrcode's toDataURL needs a <canvas> under workerd (it resolves the package's browser build),
// so only the matrix comes from the library and the PNG is encoded here. Margin 3 and scale 4
// match what Evolution passes to qrcode.toDataURL (EVOLUTION.md §2.3).
export async function qrDataUrl(text: string, margin = 3, scale = 4): Promise<string> {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: "M" });
  const side = (modules.size + margin * 2) * scale;
  const px = new Uint8Array(side * side).fill(255);
  for (let r = 0; r < modules.size; r++) {
    for (let c = 0; c < modules.size; c++) {
      if (!modules.data[r * modules.size + c]) continue;
      for (let dy = 0; dy < scale; dy++) {
        const row = (r + margin) * scale + dy;
        px.fill(0, row * side + (c + margin) * scale, row * side + (c + margin + 1) * scale);
      }
    }
  }
  return `data:image/png;base64,${bytesToBase64(await encodePng(side, side, px, 1))}`;
}

function randomB64(bytes: number): string {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A raw WhatsApp-Web-looking QR payload: "<ref>,<noiseKey>,<identityKey>,<advSecret>". */
export function fakeQrCode(): string {
  return `2@${randomB64(36)},${randomB64(32)},${randomB64(32)},${randomB64(32)}`;
}

/** 8 characters, no dash, like Baileys' requestPairingCode. */
export function fakePairingCode(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTVWXYZ123456789";
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => alphabet[b % alphabet.length]).join("");
}

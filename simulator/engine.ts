// The simulated Evolution server: instance lifecycle, QR, sends and acks, inbound messages, and
// the webhook events each of those emits, in the order EVOLUTION.md §2.6, §4.2 and §4.7 give.

import { FaultInjector } from "./faults";
import type { MediaKind } from "./messages";
import { bytesToBase64, MESSAGE_TYPE, mediaContent, sampleMedia } from "./messages";
import { fakePairingCode, fakeQrCode, qrDataUrl } from "./qr";
import type { MessageRaw, SimInstance, SimQr, SimWebhook, StoredMedia } from "./state";
import { createJid, newMessageId, SEND_STATUSES } from "./state";
import type { Deliver } from "./webhooks";
import { sleep, WebhookDispatcher } from "./webhooks";

export type SimulatorOptions = {
  /** The global AUTHENTICATION_API_KEY. */
  apiKey: string;
  /** Sends webhook deliveries; defaults to global fetch. */
  deliver?: Deliver;
  /** Rotate the QR this often while connecting; 0 (default) = only on refreshQr()/connect. */
  qrRefreshMs?: number;
  /** Waits between webhook delivery attempts (default [200, 1000, 3000]). */
  retryDelaysMs?: number[];
  /** Clock (epoch ms) for timestamps. */
  now?: () => number;
  /** Waits before SERVER_ACK, DELIVERY_ACK and READ after a send (default [100, 300, 600]). */
  ackDelaysMs?: number[];
  /** `server_url` in the webhook envelope. */
  serverUrl?: string;
  /** Put the QR in the create response instead of the usual `{count:0}` (default false). */
  qrInCreateResponse?: boolean;
  /** QRCODE_LIMIT (default 30). */
  qrLimit?: number;
  /** One line per request/delivery; defaults to console.log. */
  log?: (line: string) => void;
};

export type InboundInput = {
  /** The contact: a phone number (digits, optional +) or a JID. */
  from: string;
  pushName?: string;
  text?: string;
  media?: { type: MediaKind; base64?: string; mimetype?: string; fileName?: string; caption?: string };
  /** Address the chat by a @lid and put the phone JID in key.remoteJidAlt. */
  lid?: boolean;
  /** Deliver as a group message: true for a generated group, or a group JID. */
  group?: boolean | string;
  /** Sent from the owner's phone (messages.upsert with fromMe:true). */
  fromMe?: boolean;
  id?: string;
  /** Epoch seconds. */
  timestamp?: number;
};

export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const PERMANENT_CLOSE = new Set([401, 402, 403, 406]);

export class SimEngine {
  readonly instances = new Map<string, SimInstance>();
  readonly unregistered = new Set<string>();
  readonly hooks: WebhookDispatcher;
  readonly faults: FaultInjector;
  readonly now: () => number;
  private mediaSeed = 0;

  constructor(readonly opts: SimulatorOptions) {
    this.now = opts.now ?? Date.now;
    this.faults = new FaultInjector(() => this.now());
    this.hooks = new WebhookDispatcher({
      deliver: opts.deliver ?? ((url, init) => fetch(url, init)),
      retryDelaysMs: opts.retryDelaysMs ?? [200, 1000, 3000],
      serverUrl: opts.serverUrl ?? "http://localhost:8081",
      now: this.now,
      log: opts.log ?? ((line) => console.log(line)),
    });
  }

  get(name: string): SimInstance {
    const inst = this.instances.get(name);
    if (!inst) throw new SimError(404, `The "${name}" instance does not exist`);
    return inst;
  }

  emit(inst: SimInstance, event: string, data: unknown, webhook: SimWebhook | null = inst.webhook): void {
    this.hooks.emit({ instance: inst.name, webhook, sender: inst.ownerJid }, event, data);
  }

  async startConnecting(inst: SimInstance, number: string | null): Promise<void> {
    inst.state = "connecting";
    this.emit(inst, "connection.update", { instance: inst.name, state: "connecting", statusReason: 200 });
    await this.refreshQr(inst, number ? fakePairingCode() : null);
    const every = this.opts.qrRefreshMs ?? 0;
    if (every > 0 && !inst.qrTimer) inst.qrTimer = setInterval(() => void this.hooks.track(this.refreshQr(inst)), every);
  }

  /** A new QR (and qrcode.updated) while connecting; at the limit, refuse and close like Baileys. */
  async refreshQr(inst: SimInstance, pairingCode: string | null = inst.qr?.pairingCode ?? null): Promise<SimQr | null> {
    if (inst.state !== "connecting") return null;
    if (inst.qrCount >= (this.opts.qrLimit ?? 30)) {
      this.stopTimer(inst);
      this.emit(inst, "qrcode.updated", { message: "QR code limit reached, please login again", statusCode: 500 });
      this.emit(inst, "connection.update", {
        instance: inst.name,
        state: "refused",
        statusReason: 428,
        wuid: inst.ownerJid ?? undefined,
        profileName: inst.profileName ?? undefined,
        profilePictureUrl: null,
      });
      Object.assign(inst, { state: "close", qr: null, qrCount: 0 });
      return null;
    }
    const code = fakeQrCode();
    const qr: SimQr = { code, base64: await qrDataUrl(code), pairingCode };
    if (inst.state !== "connecting") return null; // scanned or deleted while rendering
    inst.qr = qr;
    inst.qrCount++;
    this.emit(inst, "qrcode.updated", { qrcode: { instance: inst.name, ...qr } });
    return qr;
  }

  /** The `qrCode` getter: undefined keys are dropped, so a fresh instance answers `{count:0}`. */
  qrResponse(inst: SimInstance): Record<string, unknown> {
    const qr = inst.qr;
    return qr ? { ...(qr.pairingCode ? { pairingCode: qr.pairingCode } : {}), code: qr.code, base64: qr.base64, count: inst.qrCount } : { count: inst.qrCount };
  }

  scan(inst: SimInstance, opts: { number?: string; profileName?: string } = {}): void {
    if (inst.state !== "connecting") throw new SimError(409, `Instance "${inst.name}" has no QR to scan (state ${inst.state})`);
    this.stopTimer(inst);
    const digits = (opts.number ?? inst.number ?? `5511${String(Math.floor(9e8 + Math.random() * 9.9e7))}`).replace(/\D/g, "");
    Object.assign(inst, {
      state: "open",
      qr: null,
      ownerJid: `${digits}@s.whatsapp.net`,
      profileName: opts.profileName ?? inst.profileName ?? `Sim ${inst.name}`,
      number: inst.number ?? digits,
      disconnectionReasonCode: null,
    });
    this.emit(inst, "connection.update", {
      instance: inst.name,
      wuid: inst.ownerJid,
      profileName: inst.profileName,
      profilePictureUrl: null,
      state: "open",
      statusReason: 200,
    });
  }

  /** Permanent codes (401/402/403/406) close and log out; others flap connecting → open. */
  async disconnect(inst: SimInstance, statusReason = 401, webhook: SimWebhook | null = inst.webhook): Promise<void> {
    if (!PERMANENT_CLOSE.has(statusReason) && inst.state === "open") {
      this.emit(inst, "connection.update", { instance: inst.name, state: "connecting", statusReason: 200 });
      await sleep(0);
      this.emit(inst, "connection.update", {
        instance: inst.name,
        wuid: inst.ownerJid,
        profileName: inst.profileName,
        profilePictureUrl: null,
        state: "open",
        statusReason: 200,
      });
      return;
    }
    this.stopTimer(inst);
    Object.assign(inst, { state: "close", qr: null, disconnectionReasonCode: statusReason });
    this.emit(inst, "connection.update", { instance: inst.name, state: "close", statusReason }, webhook);
    const disconnectionObject = JSON.stringify({
      error: { output: { statusCode: statusReason, payload: { statusCode: statusReason, error: "Unauthorized", message: "Connection Failure" } } },
    });
    this.emit(
      inst,
      "status.instance",
      {
        instance: inst.name,
        status: "closed",
        disconnectionAt: new Date(this.now()).toISOString(),
        disconnectionReasonCode: statusReason,
        disconnectionObject,
      },
      webhook,
    );
    this.emit(inst, "logout.instance", null, webhook);
  }

  async remove(inst: SimInstance): Promise<void> {
    const webhook = inst.webhook;
    if (inst.state !== "close") await this.disconnect(inst, 401, webhook);
    this.stopTimer(inst);
    this.instances.delete(inst.name);
    this.emit(inst, "instance.delete", { instanceName: inst.name, instanceId: inst.id }, webhook);
    this.emit(inst, "remove.instance", null, webhook);
  }

  stopTimer(inst: SimInstance): void {
    if (inst.qrTimer) clearInterval(inst.qrTimer);
    inst.qrTimer = undefined;
  }

  /** Stores an API send, emits send.message, then the ack progression as messages.update. */
  recordSent(inst: SimInstance, raw: MessageRaw, media?: StoredMedia): void {
    const stored = { raw, media, updates: ["PENDING"] };
    inst.messages.set(raw.key.id, stored);
    this.emit(inst, "send.message", raw);
    const delays = this.opts.ackDelaysMs ?? [100, 300, 600];
    const progression = async () => {
      for (const [i, status] of SEND_STATUSES.slice(1).entries()) {
        await sleep(delays[i] ?? 0);
        if (this.instances.get(inst.name) !== inst || inst.state !== "open") return;
        stored.updates.push(status);
        raw.status = status;
        this.emit(inst, "messages.update", {
          keyId: raw.key.id,
          remoteJid: raw.key.remoteJid,
          fromMe: true,
          participant: raw.key.participant,
          status,
          instanceId: inst.id,
          messageId: `sim${raw.key.id.toLowerCase()}`,
        });
      }
    };
    void this.hooks.track(progression());
  }

  async injectInbound(inst: SimInstance, input: InboundInput): Promise<MessageRaw> {
    if (inst.state !== "open") throw new SimError(409, `Instance "${inst.name}" is not connected (state ${inst.state})`);
    if (!input.text?.trim() && !input.media) throw new SimError(400, "An inbound message needs text or media");
    const phoneJid = createJid(input.from);
    const lidJid = `${String(Math.floor(1e14 + Math.random() * 9e14))}@lid`;
    const sender = input.lid ? lidJid : phoneJid;
    const key: MessageRaw["key"] = { remoteJid: sender, fromMe: input.fromMe === true, id: input.id ?? newMessageId() };
    if (input.group) {
      key.remoteJid = typeof input.group === "string" ? input.group : `1203630${String(Math.floor(1e11 + Math.random() * 9e11))}@g.us`;
      key.participant = sender;
      if (input.lid) key.participantAlt = phoneJid;
      key.addressingMode = input.lid ? "lid" : "pn";
    } else {
      if (input.lid) key.remoteJidAlt = phoneJid;
      key.addressingMode = input.lid ? "lid" : "pn";
    }
    let message: Record<string, unknown>;
    let messageType = "conversation";
    let media: StoredMedia | undefined;
    if (input.media) {
      const kind = input.media.type;
      const sample = input.media.base64 ? null : await sampleMedia(kind, ++this.mediaSeed);
      const base64 = input.media.base64 ?? bytesToBase64(sample?.bytes ?? new Uint8Array());
      const mimetype = input.media.mimetype ?? sample?.mimetype ?? "application/octet-stream";
      const fileName = input.media.fileName ?? `${key.id}.${sample?.ext ?? "bin"}`;
      media = { base64, mimetype, fileName, caption: input.media.caption };
      messageType = MESSAGE_TYPE[kind];
      message = { [messageType]: mediaContent(kind, media, Math.floor((base64.length * 3) / 4)) };
    } else {
      message = { conversation: input.text };
    }
    const raw: MessageRaw = {
      key,
      pushName: input.fromMe ? (inst.profileName ?? "Você") : (input.pushName ?? ""),
      status: input.fromMe ? "SERVER_ACK" : "DELIVERY_ACK",
      message,
      messageType,
      messageTimestamp: input.timestamp ?? Math.floor(this.now() / 1000),
      instanceId: inst.id,
      source: "android",
    };
    inst.messages.set(key.id, { raw, media, updates: [raw.status] });
    this.emit(inst, "messages.upsert", raw);
    return raw;
  }

  reset(): void {
    for (const inst of this.instances.values()) this.stopTimer(inst);
    this.instances.clear();
    this.unregistered.clear();
    this.hooks.reset();
    this.faults.reset();
  }
}

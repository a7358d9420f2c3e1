// Typed client for Evolution API v2 (EVOLUTION.md is the contract): the routes and their bodies.
// Create uses the global key; every later call uses the instance token (`hash`) the caller stored.
// The request core (timeouts, retries, redacted logging, errors) is transport.ts.
import { createTransport, type EvolutionClientOptions } from "./transport";
import type {
  ConnectResult,
  CreateInstanceInput,
  FindMessagesQuery,
  FoundMessages,
  InstanceRef,
  NumberCheck,
  SendAudioInput,
  SendMediaInput,
  SendTextInput,
  WebhookConfig,
} from "./types";
import {
  connectionSchema,
  createInstanceSchema,
  findMessagesSchema,
  mediaBase64Schema,
  numberCheckSchema,
  qrCodeSchema,
  sentMessageSchema,
  statusResultSchema,
  webhookRowSchema,
} from "./types";

export { describeEvolutionBody, type EvolutionClientOptions, EvolutionError } from "./transport";
export type * from "./types";

/** The webhook events Parley subscribes to (EVOLUTION.md §8); always sent explicitly. */
export const WEBHOOK_EVENTS = [
  "QRCODE_UPDATED",
  "CONNECTION_UPDATE",
  "MESSAGES_UPSERT",
  "MESSAGES_UPDATE",
  "MESSAGES_DELETE",
  "SEND_MESSAGE",
  "LOGOUT_INSTANCE",
  "REMOVE_INSTANCE",
  "INSTANCE_DELETE",
  "STATUS_INSTANCE",
] as const;

/** Where `npm run sim` listens; used when EVOLUTION_URL is not set (PRODUCT.md §2). */
export const DEFAULT_EVOLUTION_URL = "http://localhost:8081";

const MIME_EXT: Record<string, string> = {
  "application/pdf": "pdf",
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/gif": "gif",
  "video/mp4": "mp4",
  "audio/ogg": "ogg",
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "text/plain": "txt",
  "text/csv": "csv",
  "application/json": "json",
  "application/zip": "zip",
  "application/msword": "doc",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
  "application/vnd.ms-excel": "xls",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
};

const HAS_EXT = /\.[A-Za-z0-9]{1,8}$/;

/** `data:<mime>;base64,<bytes>` → raw base64 + mime (Evolution rejects data URIs, EVOLUTION.md §2.10). */
export function stripDataUrl(media: string): { data: string; mimetype?: string } {
  const m = /^data:([^;,]*)(?:;[^,]*)?,([\s\S]*)$/.exec(media.trim());
  return m ? { data: (m[2] ?? "").replace(/\s+/g, ""), mimetype: m[1] || undefined } : { data: media.trim() };
}

// Evolution derives the MIME type from fileName's extension, so a name without one breaks media;
// documents get a name even when the caller gave none (EVOLUTION.md §2.10).
function fileNameFor(input: SendMediaInput, mimetype: string | undefined, media: string): string | undefined {
  const given = input.fileName?.trim();
  if (given && HAS_EXT.test(given)) return given;
  if (!given && input.mediatype !== "document") return undefined;
  let urlName: string | undefined;
  try {
    urlName = decodeURIComponent(new URL(media).pathname.split("/").pop() ?? "") || undefined;
  } catch {
    urlName = undefined;
  }
  const ext =
    (mimetype && MIME_EXT[mimetype.split(";")[0]?.trim() ?? ""]) ?? (urlName && HAS_EXT.test(urlName) ? urlName.split(".").pop() : undefined) ?? "bin";
  const base = given || urlName?.replace(HAS_EXT, "") || "document";
  return `${base}.${ext}`;
}

export function createEvolutionClient(opts: EvolutionClientOptions) {
  const { request, global, scoped } = createTransport(opts);
  return {
    /** POST /instance/create with the global key and the nested webhook object (events always listed). */
    createInstance(input: CreateInstanceInput) {
      const number = input.number?.replace(/\D/g, "");
      const body = {
        instanceName: input.instanceName,
        integration: input.integration ?? "WHATSAPP-BAILEYS",
        qrcode: input.qrcode ?? true,
        ...(number ? { number } : {}),
        ...(input.token ? { token: input.token } : {}),
        webhook: {
          url: input.webhook.url,
          byEvents: input.webhook.byEvents ?? false,
          base64: input.webhook.base64 ?? false,
          headers: input.webhook.headers ?? {},
          events: [...(input.webhook.events ?? WEBHOOK_EVENTS)],
        },
      };
      return request(global("POST", "/instance/create", body), createInstanceSchema);
    },
    /** GET /instance/connect: the QR (often `{count:0}` at first) or `open`. `number` asks for a pairing code. */
    async connect(ref: InstanceRef, options: { number?: string } = {}): Promise<ConnectResult> {
      const number = options.number?.replace(/\D/g, "");
      const path = `/instance/connect/:instance${number ? `?number=${number}` : ""}`;
      const body = await request(scoped(ref, "GET", path), connectionSchema.or(qrCodeSchema));
      const open = connectionSchema.safeParse(body);
      return open.success ? { open: true, instanceName: open.data.instance.instanceName } : { open: false, qrcode: qrCodeSchema.parse(body) };
    },
    connectionState: (ref: InstanceRef) => request(scoped(ref, "GET", "/instance/connectionState/:instance"), connectionSchema),
    logout: (ref: InstanceRef) => request(scoped(ref, "DELETE", "/instance/logout/:instance"), statusResultSchema),
    deleteInstance: (ref: InstanceRef) => request(scoped(ref, "DELETE", "/instance/delete/:instance"), statusResultSchema),
    /** POST /instance/restart: 2.3.6 answers like connect; 2.3.7 may answer `{instance:{status}}`. */
    restart: (ref: InstanceRef) => request(scoped(ref, "POST", "/instance/restart/:instance"), connectionSchema.or(qrCodeSchema)),
    /** POST /webhook/set with the v2 nested body. */
    setWebhook(ref: InstanceRef, webhook: WebhookConfig & { enabled?: boolean }) {
      const body = {
        webhook: {
          enabled: webhook.enabled ?? true,
          url: webhook.url,
          headers: webhook.headers ?? {},
          byEvents: webhook.byEvents ?? false,
          base64: webhook.base64 ?? false,
          events: [...(webhook.events ?? WEBHOOK_EVENTS)],
        },
      };
      return request(scoped(ref, "POST", "/webhook/set/:instance", body), webhookRowSchema);
    },
    findWebhook: (ref: InstanceRef) => request(scoped(ref, "GET", "/webhook/find/:instance"), webhookRowSchema.nullable()),
    sendText: (ref: InstanceRef, input: SendTextInput) => request(scoped(ref, "POST", "/message/sendText/:instance", { ...input }, true), sentMessageSchema),
    /** Flat v2 body; data: URLs become raw base64 and documents always carry a fileName with an extension. */
    sendMedia(ref: InstanceRef, input: SendMediaInput) {
      const { data, mimetype: dataMime } = stripDataUrl(input.media);
      const mimetype = input.mimetype ?? dataMime;
      const fileName = fileNameFor(input, mimetype, data);
      const body = { ...input, media: data, ...(mimetype ? { mimetype } : {}), ...(fileName ? { fileName } : {}) };
      return request(scoped(ref, "POST", "/message/sendMedia/:instance", body, true), sentMessageSchema);
    },
    sendWhatsAppAudio: (ref: InstanceRef, input: SendAudioInput) =>
      request(scoped(ref, "POST", "/message/sendWhatsAppAudio/:instance", { ...input, audio: stripDataUrl(input.audio).data }, true), sentMessageSchema),
    whatsappNumbers: (ref: InstanceRef, numbers: string[]): Promise<NumberCheck[]> =>
      request(scoped(ref, "POST", "/chat/whatsappNumbers/:instance", { numbers: [...new Set(numbers)] }), numberCheckSchema),
    /** Media bytes of a message by key.id (or the whole webhook `data`); Evolution answers 201. */
    getBase64FromMediaMessage(
      ref: InstanceRef,
      message: string | { key: { id: string } & Record<string, unknown>; message?: Record<string, unknown> },
      options: { convertToMp4?: boolean } = {},
    ) {
      const body = { message: typeof message === "string" ? { key: { id: message } } : message, convertToMp4: options.convertToMp4 ?? false };
      return request(scoped(ref, "POST", "/chat/getBase64FromMediaMessage/:instance", body), mediaBase64Schema);
    },
    async findMessages(ref: InstanceRef, query: FindMessagesQuery = {}): Promise<FoundMessages> {
      return (await request(scoped(ref, "POST", "/chat/findMessages/:instance", query), findMessagesSchema)).messages;
    },
  };
}

export type EvolutionClient = ReturnType<typeof createEvolutionClient>;

/**
 * The client for this deployment: EVOLUTION_URL (or the local simulator) and EVOLUTION_API_KEY.
 * Optional EVOLUTION_TIMEOUT_MS caps every attempt, sends included (default 15 s, sends 60 s):
 * for an Evolution behind a slow proxy, and for the fault tests.
 */
export function evolutionClientFromEnv(env: Env, overrides: Partial<EvolutionClientOptions> = {}): EvolutionClient {
  const vars = env as { EVOLUTION_URL?: string; EVOLUTION_TIMEOUT_MS?: string };
  const url = vars.EVOLUTION_URL?.trim();
  const timeout = Number(vars.EVOLUTION_TIMEOUT_MS);
  const timeouts = Number.isInteger(timeout) && timeout > 0 ? { timeoutMs: timeout, sendTimeoutMs: timeout } : {};
  return createEvolutionClient({ baseUrl: url || DEFAULT_EVOLUTION_URL, globalKey: env.EVOLUTION_API_KEY, ...timeouts, ...overrides });
}

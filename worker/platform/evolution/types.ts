// Request inputs and response shapes of the Evolution v2 routes Parley calls (EVOLUTION.md §2).
// Responses are loose objects: Evolution adds fields between releases; only what we read is checked.
import { z } from "zod";

export const qrCodeSchema = z.looseObject({
  pairingCode: z.string().nullish(),
  code: z.string().optional(),
  base64: z.string().optional(),
  count: z.number().optional(),
});

export const connectionSchema = z.looseObject({
  instance: z.looseObject({ instanceName: z.string(), state: z.string().optional(), status: z.string().optional() }),
});

export const createInstanceSchema = z.looseObject({
  instance: z.looseObject({
    instanceName: z.string(),
    instanceId: z.string().optional(),
    integration: z.string().optional(),
    status: z.string().optional(),
  }),
  // v2 returns a plain string; v1 returned {apikey}, which is rejected here on purpose.
  hash: z.string(),
  webhook: z.looseObject({}).optional(),
  settings: z.looseObject({}).optional(),
  qrcode: qrCodeSchema.optional(),
});

export const statusResultSchema = z.looseObject({
  status: z.string(),
  error: z.boolean(),
  response: z.looseObject({ message: z.string() }),
});

export const webhookRowSchema = z.looseObject({
  url: z.string(),
  enabled: z.boolean(),
  events: z.array(z.string()),
  headers: z.record(z.string(), z.unknown()).nullish(),
  webhookByEvents: z.boolean().optional(),
  webhookBase64: z.boolean().optional(),
});

const longish = z.union([z.number(), z.string(), z.looseObject({ low: z.number() })]);

export const messageKeySchema = z.looseObject({
  remoteJid: z.string(),
  fromMe: z.boolean(),
  id: z.string(),
  participant: z.string().nullish(),
  remoteJidAlt: z.string().nullish(),
});

export const sentMessageSchema = z.looseObject({
  key: messageKeySchema,
  status: z.string().optional(),
  message: z.record(z.string(), z.unknown()).optional(),
  messageType: z.string().optional(),
  messageTimestamp: longish.optional(),
  instanceId: z.string().nullish(),
  source: z.string().nullish(),
});

export const numberCheckSchema = z.array(
  z.looseObject({ jid: z.string(), exists: z.boolean(), number: z.string(), name: z.string().nullish(), lid: z.string().nullish() }),
);

export const mediaBase64Schema = z.looseObject({
  mediaType: z.string(),
  fileName: z.string().nullish(),
  caption: z.string().nullish(),
  mimetype: z.string(),
  base64: z.string(),
});

export const findMessagesSchema = z.looseObject({
  messages: z.looseObject({
    total: z.number(),
    pages: z.number(),
    currentPage: z.number(),
    records: z.array(
      z.looseObject({
        key: messageKeySchema,
        pushName: z.string().nullish(),
        messageType: z.string(),
        message: z.record(z.string(), z.unknown()).nullish(),
        messageTimestamp: longish,
        MessageUpdate: z.array(z.looseObject({ status: z.string() })).optional(),
      }),
    ),
  }),
});

export type QrCode = z.infer<typeof qrCodeSchema>;
export type CreateInstanceResult = z.infer<typeof createInstanceSchema>;
export type SentMessage = z.infer<typeof sentMessageSchema>;
export type NumberCheck = z.infer<typeof numberCheckSchema>[number];
export type FoundMessages = z.infer<typeof findMessagesSchema>["messages"];

/** The instance a call targets and its token (the `hash` returned by create). */
export type InstanceRef = { instanceName: string; token: string };

export type WebhookConfig = {
  url: string;
  headers?: Record<string, string>;
  events?: readonly string[];
  byEvents?: boolean;
  base64?: boolean;
};

export type CreateInstanceInput = {
  instanceName: string;
  webhook: WebhookConfig;
  /** Digits with country code; with qrcode:true Evolution also issues a pairing code. */
  number?: string;
  qrcode?: boolean;
  token?: string;
  integration?: "WHATSAPP-BAILEYS" | "WHATSAPP-BUSINESS" | "EVOLUTION";
};

type Quoted = { key: { id: string; remoteJid?: string; fromMe?: boolean }; message?: Record<string, unknown> };
type SendCommon = { number: string; delay?: number; quoted?: Quoted; mentioned?: string[]; mentionsEveryOne?: boolean };
export type SendTextInput = SendCommon & { text: string; linkPreview?: boolean };
export type SendMediaInput = SendCommon & {
  mediatype: "image" | "video" | "document" | "audio";
  /** A URL, raw base64, or a data: URL (stripped to raw base64 before sending). */
  media: string;
  mimetype?: string;
  fileName?: string;
  caption?: string;
};
export type SendAudioInput = { number: string; audio: string; delay?: number; encoding?: boolean };
export type FindMessagesQuery = {
  where?: {
    key?: { id?: string; remoteJid?: string; fromMe?: boolean; participant?: string; remoteJidAlt?: string };
    messageType?: string;
    messageTimestamp?: { gte: string; lte: string };
  };
  page?: number;
  /** Page size (Evolution's name for it). */
  offset?: number;
};

export type ConnectResult = { open: true; instanceName: string } | { open: false; qrcode: QrCode };

// Random, URL-safe, prefixed ids (PRODUCT.md §3): never sequential, never guessable.
const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const LENGTH = 20; // 62^20 ≈ 2^119

export const ID_PREFIXES = {
  instance: "ins",
  contact: "ct",
  conversation: "cv",
  message: "msg",
  campaign: "cmp",
  campaignMessage: "cmsg",
  agent: "agt",
  webhookEvent: "whe",
  workflow: "wf",
  conversationState: "cst",
  outbox: "obx",
  user: "usr",
  unit: "unit",
  invite: "inv",
  session: "ses",
  apiKey: "key",
  note: "note",
  audit: "aud",
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function randomToken(length = LENGTH): string {
  // Rejection sampling keeps the distribution uniform over the 62 characters.
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < 248 && out.length < length) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${randomToken()}`;
}

export function isId(kind: IdKind, value: string): boolean {
  return new RegExp(`^${ID_PREFIXES[kind]}_[0-9A-Za-z]{${LENGTH}}$`).test(value);
}

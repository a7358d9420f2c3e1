import { env } from "cloudflare:workers";
import type { ContactView as Contact } from "../../shared/contacts";
import { api, jsonOf } from "../helpers";

export type { Contact };
export type ErrorBody = { error: { code: string; message: string; details?: unknown } };
export type Page = { items: Contact[]; count: number; next_cursor: string | null };

/** A random, valid Brazilian mobile number in E.164 (São Paulo area code). */
export function brMobile(): string {
  const rest = Array.from(crypto.getRandomValues(new Uint8Array(7)), (b) => String(b % 10)).join("");
  return `+55119${6 + (crypto.getRandomValues(new Uint8Array(1))[0]! % 4)}${rest}`;
}

export async function createContact(body: Record<string, unknown> = {}): Promise<Contact> {
  const res = await api("/api/contacts", { method: "POST", json: { whatsapp_number: brMobile(), ...body } });
  if (res.status !== 201) throw new Error(`create failed ${res.status}: ${await res.text()}`);
  return jsonOf<Contact>(res);
}

export async function tagRows(contactId: string): Promise<string[]> {
  const { results } = await env.DB.prepare("SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag").bind(contactId).all<{ tag: string }>();
  return results.map((r) => r.tag);
}

export async function contactCount(): Promise<number> {
  return (await env.DB.prepare("SELECT count(*) AS n FROM contacts").first<number>("n")) ?? 0;
}

// libphonenumber-js "max" metadata: the default "min" set validates by length only and accepts
// numbers such as a Brazilian 9-digit mobile without its area code.
import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from "libphonenumber-js/max";

export type NormalisedPhone = { e164: string; country: string | null };

function asCountry(code: string | null | undefined): CountryCode | undefined {
  const upper = code?.trim().toUpperCase();
  return upper && isSupportedCountry(upper) ? upper : undefined;
}

function tryParse(text: string, country?: CountryCode): NormalisedPhone | null {
  const p = parsePhoneNumberFromString(text, country);
  if (!p?.isValid()) return null;
  return { e164: p.number, country: p.country ?? null };
}

/**
 * Reads a phone number as typed by a person and returns it in E.164, or null when it is not a
 * valid number. Order of readings:
 *   1. with `+` (or the ITU `00` prefix): international, as written;
 *   2. otherwise in the contact's country (when given), then in the tenant's default country.
 *      libphonenumber already strips the default country's calling code typed without `+`
 *      ("5511999999999" under BR) and its trunk prefix ("011 99999 9999");
 *   3. last, the digits as an international number whose `+` was forgotten ("447911123456").
 *      This runs only when no national reading is valid, so it cannot shadow a local number.
 */
export function normalisePhone(raw: string, defaultCountry: string, contactCountry?: string | null): NormalisedPhone | null {
  const text = raw.trim();
  if (text === "" || text.length > 40 || /[a-wyz]/i.test(text.replace(/ext\.?|x/gi, ""))) return null;
  if (text.startsWith("+")) return tryParse(text);
  const digits = text.replace(/\D/g, "");
  if (digits.length < 4) return null;
  if (text.startsWith("00")) return tryParse(`+${digits.slice(2)}`);
  for (const country of [asCountry(contactCountry), asCountry(defaultCountry)]) {
    if (!country) continue;
    const found = tryParse(text, country);
    if (found) return found;
  }
  return tryParse(`+${digits}`);
}

/**
 * The E.164 number behind a WhatsApp JID's digits. WhatsApp keeps Brazilian mobiles registered
 * before the 9th digit without it (55 + area code + 8 digits; EVOLUTION.md §1): those digits,
 * not a valid number as they are, are read with the 9 put back, so they reach the contact stored
 * under the full number. Digits that are no valid number either way are kept as they are.
 */
export function jidNumber(digits: string, defaultCountry: string): string {
  const direct = normalisePhone(`+${digits}`, defaultCountry);
  if (direct) return direct.e164;
  const br = /^55(\d{2})([6-9]\d{7})$/.exec(digits);
  const withNinth = br ? normalisePhone(`+55${br[1]}9${br[2]}`, defaultCountry) : null;
  return withNinth?.e164 ?? `+${digits}`;
}

/** Digits of a partial number typed into a search box ("(11) 9999" → "119999"). */
export function phoneDigits(text: string): string {
  return text.replace(/\D/g, "");
}

// Campaign message variables, shared by the sender (worker) and the form's live preview (web).
// `{{name}}`, `{{first_name}}`, `{{country}}`, each with an optional fallback: `{{name|there}}`.

export type TemplateContact = { name: string | null; country: string | null };

export const TEMPLATE_VARIABLES = ["name", "first_name", "country"] as const;
const PATTERN = /\{\{\s*([a-z_]+)\s*(?:\|([^}]*))?\}\}/gi;

function variableValue(variable: string, c: TemplateContact): string | null {
  const name = c.name?.trim() || null;
  switch (variable.toLowerCase()) {
    case "name":
      return name;
    case "first_name":
      return name ? (name.split(/\s+/)[0] ?? name) : null;
    case "country":
      return c.country?.trim() || null;
    default:
      return null;
  }
}

/** Variables used in `content` that Parley does not know (the API refuses them). */
export function unknownVariables(content: string): string[] {
  const out = new Set<string>();
  for (const m of content.matchAll(PATTERN)) {
    const v = (m[1] ?? "").toLowerCase();
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(v)) out.add(v);
  }
  return [...out];
}

/** The message as one contact receives it: missing values take the fallback, or nothing. */
export function renderTemplate(content: string, c: TemplateContact): string {
  return content
    .replace(PATTERN, (_all, variable: string, fallback: string | undefined) => variableValue(variable, c) ?? fallback?.trim() ?? "")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

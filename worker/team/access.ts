// The role matrix (issue 17): the least role each /api route needs. auth.ts applies it to every
// request before any route runs; a route missing here is admin-only, and a test fails until it
// is listed, so nothing is forgotten. "public": no credential needed.
import type { Role } from "../platform/db/schema";
import { type Principal, RANK } from "./principal";

export type Need = "public" | Role;

/** [method, path pattern (":x" one segment), least role]. Order does not matter. */
export const ACCESS: [string, string, Need][] = [
  ["POST", "/api/session", "public"],
  ["DELETE", "/api/session", "public"],
  ["GET", "/api/session", "agent"],
  ["GET", "/api/invites/:token", "public"],
  ["POST", "/api/invites/accept", "public"],
  ["GET", "/api/me", "agent"],
  ["PATCH", "/api/me", "agent"],
  ["POST", "/api/me/password", "agent"],
  ["GET", "/api/me/sessions", "agent"],
  ["DELETE", "/api/me/sessions/:id", "agent"],
  ["POST", "/api/me/sessions/revoke-all", "agent"],
  ["GET", "/api/api-keys", "admin"],
  ["POST", "/api/api-keys", "admin"],
  ["DELETE", "/api/api-keys/:id", "admin"],
  ["GET", "/api/users", "agent"],
  ["POST", "/api/users", "admin"],
  ["PATCH", "/api/users/:id", "admin"],
  ["POST", "/api/users/:id/invite", "admin"],
  ["GET", "/api/units", "admin"],
  ["POST", "/api/units", "admin"],
  ["PATCH", "/api/units/:id", "admin"],
  ["DELETE", "/api/units/:id", "admin"],
  ["GET", "/api/audit", "admin"],
  ["GET", "/api/realtime", "agent"],
  ["GET", "/api/instances", "agent"],
  ["GET", "/api/instances/:id", "agent"],
  ["POST", "/api/instances", "admin"],
  ["POST", "/api/instances/:id/connect", "admin"],
  ["PATCH", "/api/instances/:id/webhook", "admin"],
  ["POST", "/api/instances/:id/logout", "admin"],
  ["DELETE", "/api/instances/:id", "admin"],
  ["GET", "/api/instances/:id/ws", "admin"],
  ["GET", "/api/webhook-events", "admin"],
  ["POST", "/api/webhook-events/replay", "admin"],
  ["GET", "/api/workflows", "admin"],
  ["POST", "/api/workflows", "admin"],
  ["GET", "/api/workflows/:id", "admin"],
  ["PATCH", "/api/workflows/:id", "admin"],
  ["DELETE", "/api/workflows/:id", "admin"],
  ["GET", "/api/agents", "agent"],
  ["GET", "/api/agents/:id", "agent"],
  ["POST", "/api/agents", "admin"],
  ["PATCH", "/api/agents/:id", "admin"],
  ["DELETE", "/api/agents/:id", "admin"],
  ["GET", "/api/contacts", "agent"],
  ["GET", "/api/contacts/search", "agent"],
  ["POST", "/api/contacts/search-by-tags", "agent"],
  ["GET", "/api/contacts/export", "admin"],
  ["POST", "/api/contacts/bulk", "admin"],
  ["POST", "/api/contacts/import", "admin"],
  ["POST", "/api/contacts", "agent"],
  ["GET", "/api/contacts/:id", "agent"],
  ["PATCH", "/api/contacts/:id", "agent"],
  ["DELETE", "/api/contacts/:id", "admin"],
  ["POST", "/api/contacts/:id/tags", "agent"],
  ["DELETE", "/api/contacts/:id/tags/:tag", "agent"],
  ["POST", "/api/contacts/:id/llm-context", "agent"],
  ["PUT", "/api/contacts/:id/llm-context", "agent"],
  ["GET", "/api/tags", "agent"],
  ["GET", "/api/campaigns", "agent"],
  ["GET", "/api/campaigns/:id", "agent"],
  ["GET", "/api/campaigns/:id/recipients", "agent"],
  ["POST", "/api/campaigns/audience", "admin"],
  ["POST", "/api/campaigns", "admin"],
  ["POST", "/api/campaigns/:id/start", "admin"],
  ["POST", "/api/campaigns/:id/pause", "admin"],
  ["POST", "/api/campaigns/:id/resume", "admin"],
  ["POST", "/api/campaigns/:id/cancel", "admin"],
  ["POST", "/api/conversations", "agent"],
  ["GET", "/api/conversations", "agent"],
  ["GET", "/api/conversations/:id", "agent"],
  ["GET", "/api/conversations/:id/messages", "agent"],
  ["POST", "/api/conversations/:id/messages", "agent"],
  ["POST", "/api/conversations/:id/messages/:messageId/retry", "agent"],
  ["POST", "/api/conversations/:id/read", "agent"],
  ["POST", "/api/conversations/:id/archive", "agent"],
  ["POST", "/api/conversations/:id/agent", "agent"],
  ["POST", "/api/conversations/:id/assign", "agent"],
  ["GET", "/api/conversations/:id/notes", "agent"],
  ["POST", "/api/conversations/:id/notes", "agent"],
];

const compiled = ACCESS.map(([method, pattern, need]) => ({
  method,
  pattern,
  need,
  re: new RegExp(`^${pattern.replace(/:\w+/g, "[^/]+")}/?$`),
}));

/** The rule for a request, or undefined for a path no rule names (treated as admin-only). */
export function ruleFor(method: string, path: string) {
  const m = method === "HEAD" ? "GET" : method;
  // Literal segments win over parameters: /api/contacts/search before /api/contacts/:id.
  const hits = compiled.filter((r) => r.method === m && r.re.test(path));
  return hits.sort((a, b) => b.pattern.split(":").length - a.pattern.split(":").length).at(-1);
}

export const needOf = (method: string, path: string): Need => ruleFor(method, path)?.need ?? "admin";

export const allows = (p: Principal, need: Need) => need === "public" || RANK[p.role] >= RANK[need];

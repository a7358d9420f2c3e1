// Who is asking: resolved once per request by auth.ts from a bearer credential (the admin
// token or a personal API key) or the session cookie, and read by every route that scopes.
import { ApiError } from "../errors";
import type { Role } from "../platform/db/schema";

export type Principal = {
  via: "token" | "session" | "api_key";
  /** null: the admin token (the owner's bootstrap credential), directly or through a session. */
  user: { id: string; email: string; name: string } | null;
  role: Role;
  sessionId: string | null;
  apiKeyId: string | null;
  /** The instances this principal works; null means every instance (owners and admins). */
  instanceIds: string[] | null;
  unitIds: string[] | null;
};

export const RANK: Record<Role, number> = { agent: 1, admin: 2, owner: 3 };

export const canSeeInstance = (p: Principal, instanceId: string | null | undefined) =>
  p.instanceIds === null || (instanceId != null && p.instanceIds.includes(instanceId));

/** The name shown for what this principal did (bubbles, notes, the audit log). */
export const displayName = (p: Principal) => p.user?.name ?? "Owner (admin token)";

/** The user whose unit scope limits what this principal sees (agents), or undefined (everything). */
export const scopeUserOf = (p: Principal | undefined) => (p && p.instanceIds !== null ? (p.user?.id ?? "") : undefined);

/** 404 rather than 403: an agent does not learn what exists outside their units. */
export function assertCanSee(p: Principal | undefined, instanceId: string | null | undefined, what: string): void {
  if (p && !canSeeInstance(p, instanceId)) throw new ApiError(404, "not_found", `${what} not found`);
}

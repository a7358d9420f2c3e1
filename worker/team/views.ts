// What the API shows of people and units.
import { iso } from "../platform/lib/time";
import { principalOf } from "./auth";
import type { Principal } from "./principal";
import type { UserRow } from "./users.queries";

export function userView(u: UserRow, unitIds: string[]) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    capacity: u.capacity,
    unit_ids: unitIds,
    /** The invite has not been accepted yet: no password is set. */
    invited: u.passwordHash === null,
    last_seen_at: iso(u.lastSeenAt),
    created_at: iso(u.createdAt),
  };
}
export type UserView = ReturnType<typeof userView>;

/** The signed-in principal as GET /api/me shows it. */
export function principalView(p: Principal) {
  return { user: p.user, role: p.role, via: p.via, unit_ids: p.unitIds, instance_ids: p.instanceIds };
}

/** The principal and view of a person who just signed in (null: the admin token). */
export async function meView(env: Env, user: UserRow | null): Promise<{ principal: Principal; view: ReturnType<typeof principalView> }> {
  const principal = await principalOf(env, "session", user, {});
  return { principal, view: principalView(principal) };
}

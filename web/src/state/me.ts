// Who is signed in (GET /api/me): the role decides what the dashboard offers. The API enforces
// the same matrix (worker/team/access.ts); a 403 the UI did not foresee still shows as an error.
import { computed, signal } from "@preact/signals";
import { api, call, type Ok } from "../api/client";

export type Me = Ok<Awaited<ReturnType<typeof api.me.$get>>>;
export type Role = Me["role"];

/** null until known (or signed out). */
export const me = signal<Me | null>(null);

/** Owners and admins manage instances, units, people, AI agents, menus and campaigns. */
export const canAdmin = computed(() => me.value !== null && me.value.role !== "agent");
/** Only an owner makes or changes owners. */
export const isOwner = computed(() => me.value?.role === "owner");
/** Signed in with the admin token: acts as owner, has no profile of its own. */
export const isTokenOwner = computed(() => me.value !== null && me.value.user === null);

export async function loadMe(): Promise<void> {
  me.value = await call(api.me.$get());
}

/** What a sign-in or an accepted invite answered: the same fields as GET /api/me. */
export function setMe(answer: Pick<Me, "user" | "role" | "via" | "unit_ids" | "instance_ids">): void {
  me.value = { user: answer.user, role: answer.role, via: answer.via, unit_ids: answer.unit_ids, instance_ids: answer.instance_ids };
}

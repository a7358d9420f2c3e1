// The team as the inbox needs it: who can be assigned or @mentioned (GET /api/users, open to
// agents too), and for owners/admins the units (which people work which number). Loaded while
// a thread is open, refetched on every live change of people or units.
import { computed, createModel, effect, type ReadonlySignal, signal } from "@preact/signals";
import { api, call, type Ok } from "../api/client";
import { canAdmin } from "./me";
import { realtime } from "./realtime";

export type Member = Ok<Awaited<ReturnType<typeof api.users.$get>>>["items"][number];
type Unit = Ok<Awaited<ReturnType<typeof api.units.$get>>>["items"][number];

const RETRY_MS = 3000;

export const RosterModel = createModel(() => {
  const users = signal<Member[]>([]);
  const units = signal<Unit[]>([]);
  let retry: ReturnType<typeof setTimeout> | undefined;
  const load = async () => {
    clearTimeout(retry);
    try {
      const [u, un] = await Promise.all([call(api.users.$get()), canAdmin.peek() ? call(api.units.$get()) : Promise.resolve(null)]);
      users.value = u.items;
      if (un) units.value = un.items;
    } catch {
      // The picker shows who it knows meanwhile; a change, a reconnect or this retry asks again.
      retry = setTimeout(() => void load(), RETRY_MS);
    }
  };
  void load();
  effect(() => realtime.on(["users", "units"], () => void load()));
  effect(() => () => clearTimeout(retry));
  /** Active people (not disabled), by name. */
  const active = computed(() => users.value.filter((u) => !u.disabled).sort((a, b) => a.name.localeCompare(b.name)));
  return {
    active: active as ReadonlySignal<Member[]>,
    units: units as ReadonlySignal<Unit[]>,
  };
});

/**
 * Who may work a conversation of this instance: owners, admins, and agents of its unit. A plain
 * function over the roster's signals (a model's methods run untracked: a render calling one
 * would not re-render when the roster arrives).
 */
export function workersOf(roster: InstanceType<typeof RosterModel>, instanceId: string | null): Member[] {
  const unit = roster.units.value.find((u) => instanceId && u.instance_ids.includes(instanceId));
  return roster.active.value.filter((u) => u.role !== "agent" || (unit?.member_ids.includes(u.id) ?? false));
}

import { useCallback, useEffect, useState } from "preact/hooks";
import type { InstanceView } from "../../../../worker/shared/instances";
import { ApiError, api, call, type Ok } from "../../api/client";
import { useLive } from "../../state/realtime";

export type UserView = Ok<Awaited<ReturnType<typeof api.users.$get>>>["items"][number];
export type UnitView = Ok<Awaited<ReturnType<typeof api.units.$get>>>["items"][number];

export type Team = {
  users: UserView[] | null;
  units: UnitView[];
  instances: InstanceView[];
  error: string | null;
  reload: () => Promise<void>;
};

/** People, units and instances, refetched on every live change of any of them. */
export function useTeam(): Team {
  const [users, setUsers] = useState<UserView[] | null>(null);
  const [units, setUnits] = useState<UnitView[]>([]);
  const [instances, setInstances] = useState<InstanceView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const [u, un, i] = await Promise.all([call(api.users.$get()), call(api.units.$get()), call(api.instances.$get())]);
      setUsers(u.items);
      setUnits(un.items);
      setInstances(i.items);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load the team");
    }
  }, []);
  useEffect(() => void load(), [load]);
  useLive(["users", "units", "instances"], () => void load());
  return { users, units, instances, error, reload: load };
}

/** The API's sentence for a failed call. */
export const errorText = (err: unknown, fallback: string) => (err instanceof ApiError ? err.message : fallback);

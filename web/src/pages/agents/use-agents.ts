import { useCallback, useEffect, useState } from "preact/hooks";
import type { AgentView } from "../../../../worker/shared/agents";
import type { InstanceView } from "../../../../worker/shared/instances";
import { ApiError, api, call } from "../../api/client";
import { useLive } from "../../state/realtime";

/** Agents and instances, refetched on every live change of either. */
export function useAgents() {
  const [agents, setAgents] = useState<AgentView[] | null>(null);
  const [instances, setInstances] = useState<InstanceView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const [a, i] = await Promise.all([call(api.agents.$get()), call(api.instances.$get())]);
      setAgents(a.items);
      setInstances(i.items);
      setError(null);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "Could not load agents");
    }
  }, []);
  useEffect(() => void load(), [load]);
  useLive(["agents", "instances"], () => void load());
  return { agents, instances, error, reload: load };
}

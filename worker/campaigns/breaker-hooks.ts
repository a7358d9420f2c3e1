// What an instance's breaker (worker/outbox/breaker.ts) does to its campaigns: opening pauses the
// running ones with the reason (paused_by "breaker"); closing resumes exactly those — never one a
// user paused — and re-drives every send of the instance that waited.
import type { BreakerHooks } from "../outbox/breaker";
import { redriveQueued } from "../outbox/redrive";
import { getDb } from "../platform/db/client";
import { utcClock } from "../platform/lib/time";
import { publish } from "../platform/realtime/publish";
import { campaignsOn, resumeCampaign } from "./campaigns.queries";
import { autoPause } from "./lifecycle";

export function breakerHooks(env: Env, instanceId: string, register: (campaignId: string) => Promise<void>): BreakerHooks {
  const db = getDb(env.DB);
  return {
    opened: async (since, error) => {
      const reason = `Evolution unreachable since ${utcClock(since)} (${error})`;
      for (const id of await campaignsOn(db, instanceId, "running")) await autoPause(env, id, reason, "breaker");
    },
    closed: async () => {
      for (const id of await campaignsOn(db, instanceId, "breaker-paused")) {
        if (!(await resumeCampaign(db, id, Date.now()))) continue;
        await register(id);
        await publish(env, "campaigns", id, { status: "in_progress" });
      }
      await redriveQueued(env, { instanceId });
    },
  };
}

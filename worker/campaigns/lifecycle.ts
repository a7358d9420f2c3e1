// Campaign lifecycle: create, start (snapshot + hand to the instance's send clock), schedule,
// pause, resume, cancel. Routes and the clock call these; each publishes "campaigns" live.

import { ApiError, notFound } from "../errors";
import { base64Bytes, putMedia } from "../inbox/media-store";
import type { InstanceRow } from "../instances/instances.queries";
import { redriveQueued } from "../outbox/redrive";
import { getDb } from "../platform/db/client";
import { stripDataUrl } from "../platform/evolution/client";
import { newId } from "../platform/lib/ids";
import { publish } from "../platform/realtime/publish";
import {
  type Audience,
  type CampaignRow,
  cancelCampaign,
  completeStmt,
  dueScheduled,
  getCampaign,
  insertCampaign,
  pauseCampaign,
  resumeCampaign,
  setScheduled,
  startCampaign,
  updateCampaignStatus,
} from "./campaigns.queries";
import { campaignMediaKey } from "./handout";
import { encodeWindow, type SendWindow } from "./pacing";

export type NewCampaign = {
  name: string;
  instanceId: string;
  audience: Audience;
  message: { content: string; attachmentBase64: string | null; mimeType: string | null; fileName: string | null };
  respondingAgentId: string | null;
  scheduledAt: number | null;
  pacing: { perMinute: number; jitterPct: number; dailyCap: number | null; window: SendWindow | null };
};

const clock = (env: Env, instanceId: string) => env.SEND_CLOCK.getByName(instanceId);
const audienceOf = (c: CampaignRow): Audience => ({ tags: c.targetTags, match: c.match, contactIds: c.contactIds });

export async function createCampaign(env: Env, input: NewCampaign, now = Date.now()): Promise<string> {
  const id = newId("campaign");
  const messageId = newId("campaignMessage");
  // The attachment goes to R2 once; every send of the campaign reads that object.
  const attachment = input.message.attachmentBase64;
  const attachmentKey = attachment ? campaignMediaKey(id, messageId) : null;
  if (attachment && attachmentKey)
    await putMedia(env, attachmentKey, base64Bytes(stripDataUrl(attachment).data), input.message.mimeType ?? "application/octet-stream");
  await insertCampaign(
    getDb(env.DB),
    {
      id,
      name: input.name,
      targetTags: input.audience.tags,
      match: input.audience.match,
      contactIds: input.audience.contactIds,
      instanceId: input.instanceId,
      respondingAgentId: input.respondingAgentId,
      scheduledAt: input.scheduledAt,
      perMinute: input.pacing.perMinute,
      jitterPct: input.pacing.jitterPct,
      dailyCap: input.pacing.dailyCap,
      ...encodeWindow(input.pacing.window),
      createdAt: now,
      updatedAt: now,
    },
    {
      id: messageId,
      campaignId: id,
      content: input.message.content,
      attachmentKey,
      attachmentMimeType: input.message.mimeType,
      attachmentFileName: input.message.fileName,
      timestamp: now,
    },
  );
  await publish(env, "campaigns", id, { status: "pending" });
  return id;
}

async function mustGet(env: Env, id: string) {
  const row = await getCampaign(getDb(env.DB), id);
  if (!row) throw notFound("Campaign");
  return row;
}

const wrongState = (row: CampaignRow, action: string) =>
  new ApiError(409, "invalid_state", `Cannot ${action} a campaign that is ${row.status.replace("_", " ")}`, { status: row.status });

/** Snapshots the audience and hands the campaign to its instance's clock (now, or at scheduled_at). */
export async function start(env: Env, id: string, now = Date.now()): Promise<void> {
  const row = await mustGet(env, id);
  if (row.status !== "pending" && row.status !== "scheduled") throw wrongState(row, "start");
  if (!row.instanceId) throw new ApiError(422, "no_instance", "The campaign's instance was deleted");
  const db = getDb(env.DB);
  if (row.status === "pending" && row.scheduledAt !== null && row.scheduledAt > now) {
    await setScheduled(db, id, row.scheduledAt, now);
    await clock(env, row.instanceId).schedule(id, row.scheduledAt);
    await publish(env, "campaigns", id, { status: "scheduled" });
    return;
  }
  await startNow(env, row, now);
}

async function startNow(env: Env, row: CampaignRow, now: number): Promise<void> {
  const db = getDb(env.DB);
  const started = await startCampaign(db, row.id, audienceOf(row), now);
  if (!started) return;
  if (started.contactCount === 0) await completeStmt(db, row.id, now);
  else if (started.instanceId) await clock(env, started.instanceId).register(row.id);
  await publish(env, "campaigns", row.id, { status: started.contactCount === 0 ? "completed" : "in_progress" });
}

/** Called by the clock's alarm: starts this instance's scheduled campaigns that are due. */
export async function startDue(env: Env, instanceId: string, now: number): Promise<void> {
  for (const row of await dueScheduled(getDb(env.DB), instanceId, now)) await startNow(env, row, now);
}

export async function pause(env: Env, id: string, now = Date.now()): Promise<void> {
  const row = await mustGet(env, id);
  if (row.status === "scheduled") {
    // Not started yet: back to pending (the clock's timer then finds nothing due).
    await cancelSchedule(env, row, now);
    return;
  }
  if (!(await pauseCampaign(getDb(env.DB), id, "Paused by a user", "user", now))) throw wrongState(row, "pause");
  await publish(env, "campaigns", id, { status: "paused" });
}

async function cancelSchedule(env: Env, row: CampaignRow, now: number): Promise<void> {
  await updateCampaignStatus(getDb(env.DB), row.id, "scheduled", "pending", now);
  await publish(env, "campaigns", row.id, { status: "pending" });
}

/** An instance a campaign can send through now: connected, with its Evolution token. */
export type SendingInstance = InstanceRow & { status: "open"; evolutionToken: string };

/**
 * The one rule for "instance not connected → auto-pause", asked by the send clock before it
 * hands out sends and by the sender before each send: when false, pauseNotConnected().
 */
export function canSend(instance: InstanceRow | undefined): instance is SendingInstance {
  return instance?.status === "open" && Boolean(instance.evolutionToken);
}

/** Auto-pauses the campaigns of an instance that cannot send (see canSend), saying why. */
export async function pauseNotConnected(env: Env, campaignIds: string[], instance: InstanceRow | undefined): Promise<void> {
  const reason = instance
    ? `Instance ${instance.name} is not connected${instance.disconnectReason ? `: ${instance.disconnectReason}` : ""}`
    : "The sending instance was deleted";
  for (const id of campaignIds) await autoPause(env, id, reason, "disconnected");
}

/**
 * Automatic pause: the instance disconnected, or its breaker opened (Evolution unreachable; the
 * breaker resumes it when Evolution answers). No-op unless the campaign is running.
 */
export async function autoPause(env: Env, id: string, reason: string, by: "disconnected" | "breaker", now = Date.now()): Promise<boolean> {
  const row = await pauseCampaign(getDb(env.DB), id, reason, by, now);
  if (row) await publish(env, "campaigns", id, { status: "paused", pause_reason: reason });
  return Boolean(row);
}

export async function resume(env: Env, id: string, now = Date.now()): Promise<void> {
  const row = await mustGet(env, id);
  const resumed = await resumeCampaign(getDb(env.DB), id, now);
  if (!resumed) throw wrongState(row, "resume");
  if (resumed.instanceId) await clock(env, resumed.instanceId).register(id, true);
  await publish(env, "campaigns", id, { status: "in_progress" });
}

export async function cancel(env: Env, id: string, now = Date.now()): Promise<void> {
  const row = await mustGet(env, id);
  const cancelled = await cancelCampaign(getDb(env.DB), id, now);
  if (!cancelled) throw wrongState(row, "cancel");
  // Sends already handed out and waiting (paused, breaker) are called off by the consumer.
  await redriveQueued(env, { campaignId: id });
  await publish(env, "campaigns", id, { status: "cancelled" });
}

import { batch, computed, createModel, effect, type ReadonlySignal, signal } from "@preact/signals";
import type { InferRequestType } from "hono/client";
import type { AgentView } from "../../../worker/shared/agents";
import { renderTemplate } from "../../../worker/shared/campaign-template";
import type { AudienceResult } from "../../../worker/shared/campaigns";
import type { TagCount } from "../../../worker/shared/contacts";
import type { InstanceView } from "../../../worker/shared/instances";
import { ApiError, api, call } from "../api/client";

export type Match = "all" | "any";
export type Attachment = { base64: string; mime: string; name: string; size: number };
export type PacingForm = { perMinute: string; jitter: string; dailyCap: string; windowOn: boolean; start: string; end: string; timezone: string };
type CreateBody = InferRequestType<typeof api.campaigns.$post>["json"];

export const MAX_ATTACHMENT = 1_300_000;
/** The recipient count follows the picked tags after a pause. */
const AUDIENCE_DEBOUNCE_MS = 200;
const NO_SAMPLE = { name: "Maria Silva", country: "BR", number: "" };

export const defaultPacing = (): PacingForm => ({
  perMinute: "6",
  jitter: "30",
  dailyCap: "",
  windowOn: false,
  start: "09:00",
  end: "18:00",
  timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC",
});

export function pacingBody(p: PacingForm): CreateBody["pacing"] {
  return {
    per_minute: Number(p.perMinute),
    jitter_pct: Number(p.jitter),
    daily_cap: p.dailyCap.trim() ? Number(p.dailyCap) : null,
    window: p.windowOn ? { start: p.start, end: p.end, timezone: p.timezone } : null,
  };
}

function readFile(file: File): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () =>
      resolve({ base64: String(r.result).replace(/^data:[^,]*,/, ""), mime: file.type || "application/octet-stream", name: file.name, size: file.size });
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/** What the contacts page hands over in the URL (?tags=a,b&match=any&contact_ids=…). */
export type CampaignPrefill = { tags: string[]; match: Match; contactIds: string[] };

/**
 * The new-campaign form: its fields, the instances and agents to pick from, the live audience
 * (POST /api/campaigns/audience, debounced) and the message preview, and creating the campaign.
 */
export const CampaignFormModel = createModel((prefill: CampaignPrefill) => {
  const name = signal("");
  const instances = signal<InstanceView[]>([]);
  const instanceId = signal("");
  const agents = signal<AgentView[]>([]);
  const agentId = signal("");
  const tagCounts = signal<TagCount[]>([]);
  const tags = signal(prefill.tags);
  const match = signal<Match>(prefill.match);
  const contactIds = prefill.contactIds;
  /** The recipient count shown; null until tags (or picked contacts) give one. */
  const audience = signal<AudienceResult | null>(null);
  /** The last audience answered: its first contact is the preview's sample. */
  const lastAudience = signal<AudienceResult | null>(null);
  const content = signal("Hi {{first_name|there}}! ");
  const attachment = signal<Attachment | null>(null);
  const scheduledAt = signal("");
  const pacing = signal(defaultPacing());
  const errors = signal<Record<string, string>>({});
  const busy = signal(false);

  call(api.instances.$get()).then(
    ({ items }) =>
      batch(() => {
        instances.value = items;
        instanceId.value ||= (items.find((i) => i.status === "open") ?? items[0])?.id || "";
      }),
    () => (instances.value = []),
  );
  call(api.agents.$get()).then(
    ({ items }) => (agents.value = items),
    () => (agents.value = []),
  );
  call(api.tags.$get()).then(
    (all) => (tagCounts.value = all),
    () => (tagCounts.value = []),
  );

  effect(() => {
    const target_tags = tags.value;
    const m = match.value;
    const timer = setTimeout(async () => {
      if (!target_tags.length && !contactIds.length) {
        audience.value = lastAudience.value = null;
        return;
      }
      try {
        const a = await call(api.campaigns.audience.$post({ json: { target_tags, match: m, contact_ids: contactIds } }));
        audience.value = lastAudience.value = a;
      } catch {
        audience.value = null;
      }
    }, AUDIENCE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  });

  const sample = computed(() => lastAudience.value?.sample ?? NO_SAMPLE);

  return {
    name,
    instances: instances as ReadonlySignal<InstanceView[]>,
    instanceId,
    agents: agents as ReadonlySignal<AgentView[]>,
    agentId,
    tagCounts: tagCounts as ReadonlySignal<TagCount[]>,
    tags: tags as ReadonlySignal<string[]>,
    match: match as ReadonlySignal<Match>,
    /** Contacts picked on the contacts page (fixed for this form). */
    contactCount: computed(() => contactIds.length),
    audience: audience as ReadonlySignal<AudienceResult | null>,
    content,
    attachment: attachment as ReadonlySignal<Attachment | null>,
    scheduledAt,
    pacing,
    errors: errors as ReadonlySignal<Record<string, string>>,
    busy: busy as ReadonlySignal<boolean>,
    sampleName: computed(() => sample.value.name ?? "a contact without a name"),
    preview: computed(() => renderTemplate(content.value, sample.value)),
    toggleTag(t: string) {
      tags.value = tags.value.includes(t) ? tags.value.filter((x) => x !== t) : [...tags.value, t];
    },
    setMatch(m: Match) {
      match.value = m;
    },
    insertVariable(v: string) {
      content.value = `${content.value}{{${v}}}`;
    },
    async pick(file: File | undefined) {
      if (!file) {
        attachment.value = null;
        return;
      }
      if (file.size > MAX_ATTACHMENT) {
        errors.value = { ...errors.value, attachment: `Attachments are limited to ${Math.round(MAX_ATTACHMENT / 1024)} KB` };
        return;
      }
      errors.value = { ...errors.value, attachment: "" };
      attachment.value = await readFile(file);
    },
    /** Creates the campaign (and starts it when asked, or when scheduled); its id, or null with the errors shown. */
    async submit(startNow: boolean): Promise<string | null> {
      busy.value = true;
      errors.value = {};
      const a = attachment.value;
      try {
        const body: CreateBody = {
          name: name.value.trim(),
          target_tags: tags.value,
          match: match.value,
          contact_ids: contactIds,
          instance_id: instanceId.value,
          message: { content: content.value, ...(a ? { attachment_base64: a.base64, mime_type: a.mime, file_name: a.name } : {}) },
          scheduled_at: scheduledAt.value ? new Date(scheduledAt.value).toISOString() : null,
          responding_agent_id: agentId.value || null,
          pacing: pacingBody(pacing.value),
        };
        const created = await call(api.campaigns.$post({ json: body }));
        if (startNow || scheduledAt.peek()) await call(api.campaigns[":id"].start.$post({ param: { id: created.id } }));
        return created.id;
      } catch (err) {
        if (err instanceof ApiError) {
          const fields = err.fieldErrors();
          errors.value = Object.keys(fields).length ? fields : { form: err.message };
        } else errors.value = { form: "Could not create the campaign" };
        return null;
      } finally {
        busy.value = false;
      }
    },
  };
});
export type CampaignForm = InstanceType<typeof CampaignFormModel>;

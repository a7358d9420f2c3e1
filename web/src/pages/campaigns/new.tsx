import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import type { AgentView } from "../../../../worker/shared/agents";
import { renderTemplate, TEMPLATE_VARIABLES } from "../../../../worker/shared/campaign-template";
import type { AudienceResult, CampaignDetail } from "../../../../worker/shared/campaigns";
import type { InstanceView } from "../../../../worker/shared/instances";
import { ApiError, api } from "../../api/client";
import { PageHeader } from "../../components/page-header";
import { AudiencePicker } from "./audience";
import { defaultPacing, PacingFields, pacingBody } from "./pacing-fields";

type Attachment = { base64: string; mime: string; name: string; size: number };
const MAX_ATTACHMENT = 1_300_000;

function readFile(file: File): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () =>
      resolve({ base64: String(r.result).replace(/^data:[^,]*,/, ""), mime: file.type || "application/octet-stream", name: file.name, size: file.size });
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

export function NewCampaign() {
  const { route, query } = useLocation();
  const [name, setName] = useState("");
  const [instances, setInstances] = useState<InstanceView[]>([]);
  const [instanceId, setInstanceId] = useState("");
  const [tags, setTags] = useState<string[]>(query.tags ? query.tags.split(",").filter(Boolean) : []);
  const [match, setMatch] = useState<"all" | "any">(query.match === "any" ? "any" : "all");
  const [contactIds] = useState<string[]>(query.contact_ids ? query.contact_ids.split(",").filter(Boolean) : []);
  const [audience, setAudience] = useState<AudienceResult | null>(null);
  const [content, setContent] = useState("Hi {{first_name|there}}! ");
  const [attachment, setAttachment] = useState<Attachment | null>(null);
  const [scheduledAt, setScheduledAt] = useState("");
  const [agents, setAgents] = useState<AgentView[]>([]);
  const [agentId, setAgentId] = useState("");
  const [pacing, setPacing] = useState(defaultPacing());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<{ items: InstanceView[] }>("/api/instances").then(
      ({ items }) => {
        setInstances(items);
        setInstanceId((cur) => cur || (items.find((i) => i.status === "open") ?? items[0])?.id || "");
      },
      () => setInstances([]),
    );
    api.get<{ items: AgentView[] }>("/api/agents").then(
      ({ items }) => setAgents(items),
      () => setAgents([]),
    );
  }, []);

  const pick = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return setAttachment(null);
    if (file.size > MAX_ATTACHMENT) return setErrors({ ...errors, attachment: `Attachments are limited to ${Math.round(MAX_ATTACHMENT / 1024)} KB` });
    setErrors({ ...errors, attachment: "" });
    setAttachment(await readFile(file));
  };

  const submit = async (e: Event, startNow: boolean) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const body = {
        name: name.trim(),
        target_tags: tags,
        match,
        contact_ids: contactIds,
        instance_id: instanceId,
        message: { content, ...(attachment ? { attachment_base64: attachment.base64, mime_type: attachment.mime, file_name: attachment.name } : {}) },
        scheduled_at: scheduledAt ? new Date(scheduledAt).toISOString() : null,
        responding_agent_id: agentId || null,
        pacing: pacingBody(pacing),
      };
      const created = await api.post<CampaignDetail>("/api/campaigns", body);
      if (startNow || scheduledAt) await api.post(`/api/campaigns/${created.id}/start`);
      route(`/campaigns/${created.id}`);
    } catch (err) {
      if (err instanceof ApiError) {
        const fields = err.fieldErrors();
        setErrors(Object.keys(fields).length ? fields : { form: err.message });
      } else setErrors({ form: "Could not create the campaign" });
    } finally {
      setBusy(false);
    }
  };

  const sample = audience?.sample ?? { name: "Maria Silva", country: "BR", number: "" };
  return (
    <section class="cmp-new">
      <PageHeader title="New campaign" />
      <form class="card" aria-label="New campaign" onSubmit={(e) => submit(e, true)}>
        <label>
          Campaign name
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={200} />
          {errors.name && <span class="field-error">{errors.name}</span>}
        </label>
        <label>
          Send from
          <select name="instance_id" value={instanceId} onChange={(e) => setInstanceId(e.currentTarget.value)}>
            {instances.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name} ({i.number}) — {i.status}
              </option>
            ))}
          </select>
          {errors.instance_id && <span class="field-error">{errors.instance_id}</span>}
        </label>
        <AudiencePicker
          tags={tags}
          match={match}
          contactIds={contactIds}
          onChange={(t, m) => (setTags(t), setMatch(m))}
          onAudience={setAudience}
          error={errors.target_tags}
        />
        <label>
          Message
          <textarea name="content" rows={4} value={content} onInput={(e) => setContent(e.currentTarget.value)} maxLength={4096} />
          {errors["message.content"] && <span class="field-error">{errors["message.content"]}</span>}
        </label>
        <div class="row small">
          Variables:
          {TEMPLATE_VARIABLES.map((v) => (
            <button type="button" key={v} class="link" onClick={() => setContent(`${content}{{${v}}}`)}>{`{{${v}}}`}</button>
          ))}
          <span class="muted">Fallback: {"{{name|there}}"}</span>
        </div>
        <div class="cmp-preview" data-testid="message-preview">
          <div class="small muted">Preview for {sample.name ?? "a contact without a name"}</div>
          <div class="bubble">{renderTemplate(content, sample) || <span class="muted">(empty)</span>}</div>
          {attachment && (
            <div class="small">
              📎 {attachment.name} ({Math.round(attachment.size / 1024)} KB)
            </div>
          )}
        </div>
        <label>
          Attachment (optional)
          <input type="file" onChange={pick} />
          {(errors.attachment || errors["message.attachment_base64"]) && (
            <span class="field-error">{errors.attachment || errors["message.attachment_base64"]}</span>
          )}
        </label>
        <label>
          Agent that answers replies (optional)
          <select name="responding_agent_id" value={agentId} onChange={(e) => setAgentId(e.currentTarget.value)}>
            <option value="">Nobody — replies wait in the inbox</option>
            {agents.map((a) => (
              <option key={a.id} value={a.id} disabled={!a.enabled}>
                {a.name}
                {a.enabled ? "" : " (disabled)"}
              </option>
            ))}
          </select>
          {errors.responding_agent_id && <span class="field-error">{errors.responding_agent_id}</span>}
        </label>
        <label>
          Schedule (optional)
          <input type="datetime-local" value={scheduledAt} onInput={(e) => setScheduledAt(e.currentTarget.value)} />
        </label>
        <PacingFields value={pacing} onChange={setPacing} errors={errors} />
        {errors.form && (
          <p class="error" role="alert">
            {errors.form}
          </p>
        )}
        <div class="row" style={{ justifyContent: "flex-end" }}>
          <a href="/campaigns">
            <button type="button">Cancel</button>
          </a>
          <button type="button" disabled={busy} onClick={(e) => submit(e, false)}>
            Save draft
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {scheduledAt ? "Schedule" : "Create and start"}
          </button>
        </div>
      </form>
    </section>
  );
}

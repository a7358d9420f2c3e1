import { useModel } from "@preact/signals";
import { useLocation } from "preact-iso";
import { TEMPLATE_VARIABLES } from "../../../../worker/shared/campaign-template";
import { PageHeader } from "../../components/page-header";
import { CampaignFormModel } from "../../state/campaign-form";
import { AudiencePicker } from "./audience";
import { PacingFields } from "./pacing-fields";

const list = (v: string | undefined) => (v ? v.split(",").filter(Boolean) : []);

export function NewCampaign() {
  const { route, query } = useLocation();
  const form = useModel(
    () => new CampaignFormModel({ tags: list(query.tags), match: query.match === "any" ? "any" : "all", contactIds: list(query.contact_ids) }),
  );
  const errors = form.errors.value;
  const attachment = form.attachment.value;
  const submit = async (e: Event, startNow: boolean) => {
    e.preventDefault();
    const id = await form.submit(startNow);
    if (id) route(`/campaigns/${id}`);
  };

  return (
    <section class="cmp-new">
      <PageHeader title="New campaign" />
      <form class="card" aria-label="New campaign" onSubmit={(e) => submit(e, true)}>
        <label>
          Campaign name
          <input name="name" value={form.name} onInput={(e) => (form.name.value = e.currentTarget.value)} required maxLength={200} />
          {errors.name && <span class="field-error">{errors.name}</span>}
        </label>
        <label>
          Send from
          <select name="instance_id" value={form.instanceId.value} onChange={(e) => (form.instanceId.value = e.currentTarget.value)}>
            {form.instances.value.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name} ({i.number}) — {i.status}
              </option>
            ))}
          </select>
          {errors.instance_id && <span class="field-error">{errors.instance_id}</span>}
        </label>
        <AudiencePicker form={form} error={errors.target_tags} />
        <label>
          Message
          <textarea name="content" rows={4} value={form.content} onInput={(e) => (form.content.value = e.currentTarget.value)} maxLength={4096} />
          {errors["message.content"] && <span class="field-error">{errors["message.content"]}</span>}
        </label>
        <div class="row small">
          Variables:
          {TEMPLATE_VARIABLES.map((v) => (
            <button type="button" key={v} class="link" onClick={() => form.insertVariable(v)}>{`{{${v}}}`}</button>
          ))}
          <span class="muted">Fallback: {"{{name|there}}"}</span>
        </div>
        <div class="cmp-preview" data-testid="message-preview">
          <div class="small muted">Preview for {form.sampleName}</div>
          <div class="bubble">{form.preview.value || <span class="muted">(empty)</span>}</div>
          {attachment && (
            <div class="small">
              📎 {attachment.name} ({Math.round(attachment.size / 1024)} KB)
            </div>
          )}
        </div>
        <label>
          Attachment (optional)
          <input type="file" onChange={(e) => void form.pick(e.currentTarget.files?.[0])} />
          {(errors.attachment || errors["message.attachment_base64"]) && (
            <span class="field-error">{errors.attachment || errors["message.attachment_base64"]}</span>
          )}
        </label>
        <label>
          Agent that answers replies (optional)
          <select name="responding_agent_id" value={form.agentId.value} onChange={(e) => (form.agentId.value = e.currentTarget.value)}>
            <option value="">Nobody — replies wait in the inbox</option>
            {form.agents.value.map((a) => (
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
          <input type="datetime-local" value={form.scheduledAt} onInput={(e) => (form.scheduledAt.value = e.currentTarget.value)} />
        </label>
        <PacingFields value={form.pacing.value} onChange={(p) => (form.pacing.value = p)} errors={errors} />
        {errors.form && (
          <p class="error" role="alert">
            {errors.form}
          </p>
        )}
        <div class="row" style={{ justifyContent: "flex-end" }}>
          <a href="/campaigns">
            <button type="button">Cancel</button>
          </a>
          <button type="button" disabled={form.busy} onClick={(e) => submit(e, false)}>
            Save draft
          </button>
          <button type="submit" class="primary" disabled={form.busy}>
            {form.scheduledAt.value ? "Schedule" : "Create and start"}
          </button>
        </div>
      </form>
    </section>
  );
}

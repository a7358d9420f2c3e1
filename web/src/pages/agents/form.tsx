import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { type AgentView, DEFAULT_AGENT_MODEL } from "../../../../worker/shared/agents";
import { ApiError, api, call } from "../../api/client";
import { JsonEditor, parseJsonObject } from "../../components/json-editor";
import { PageHeader } from "../../components/page-header";
import { TagEditor } from "../../components/tag-editor";
import { useAgents } from "./use-agents";

type Errors = Record<string, string>;
type Draft = { name: string; system_context: string; memory: string; assigned_tags: string[]; instance_id: string; model: string; enabled: boolean };

const blank: Draft = { name: "", system_context: "", memory: "", assigned_tags: [], instance_id: "", model: DEFAULT_AGENT_MODEL, enabled: true };
const fromAgent = (a: AgentView): Draft => ({
  name: a.name,
  system_context: a.system_context,
  memory: Object.keys(a.memory).length ? JSON.stringify(a.memory, null, 2) : "",
  assigned_tags: a.assigned_tags,
  instance_id: a.instance_id ?? "",
  model: a.model,
  enabled: a.enabled,
});

/** Create (id null) or edit an agent. */
export function AgentForm({ id }: { id: string | null }) {
  const { route } = useLocation();
  const { instances } = useAgents();
  const [draft, setDraft] = useState<Draft | null>(id ? null : blank);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!id) return;
    call(api.agents[":id"].$get({ param: { id: encodeURIComponent(id) } }))
      .then((a) => setDraft(fromAgent(a)))
      .catch((err: unknown) => setErrors({ form: err instanceof ApiError ? err.message : "Could not load the agent" }));
  }, [id]);
  useEffect(() => {
    // A new agent defaults to the only (or first) instance. Functional updates throughout: the
    // instances may arrive while the user is typing, and a stale copy would drop keystrokes.
    const first = instances[0];
    if (!id && first) setDraft((d) => (d && !d.instance_id ? { ...d, instance_id: first.id } : d));
  }, [instances, id]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => (d ? { ...d, [k]: v } : d));
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!draft) return;
    const memory = parseJsonObject(draft.memory);
    if (!memory.ok) return setErrors({ memory: memory.error });
    setBusy(true);
    setErrors({});
    const body = { ...draft, name: draft.name.trim(), model: draft.model.trim() || DEFAULT_AGENT_MODEL, memory: memory.value };
    try {
      if (id) await call(api.agents[":id"].$patch({ param: { id }, json: body }));
      else await call(api.agents.$post({ json: body }));
      route("/agents");
    } catch (err) {
      if (err instanceof ApiError) {
        const fields = err.fieldErrors({ topLevel: true });
        setErrors(Object.keys(fields).length ? fields : { form: err.message });
      } else setErrors({ form: "Could not save the agent" });
    } finally {
      setBusy(false);
    }
  };

  const title = id ? "Edit agent" : "New agent";
  if (!draft)
    return (
      <section class="agent-form">
        <PageHeader title={title} />
        {errors.form ? (
          <p class="error" role="alert">
            {errors.form}
          </p>
        ) : (
          <p class="muted">Loading…</p>
        )}
      </section>
    );
  return (
    <section class="agent-form">
      <PageHeader title={title} />
      <form class="card" onSubmit={submit} aria-label={title}>
        <label>
          Name
          <input name="name" value={draft.name} onInput={(e) => set("name", e.currentTarget.value)} placeholder="Sales assistant" />
          {errors.name && <span class="field-error">{errors.name}</span>}
        </label>
        <label>
          WhatsApp instance
          <select name="instance_id" value={draft.instance_id} onChange={(e) => set("instance_id", e.currentTarget.value)}>
            <option value="">Choose an instance…</option>
            {instances.map((i) => (
              <option key={i.id} value={i.id}>
                {i.name} ({i.number})
              </option>
            ))}
          </select>
          {errors.instance_id && <span class="field-error">{errors.instance_id}</span>}
        </label>
        <div class="field">
          <TagEditor id="agent-tags" label="Assigned tags" tags={draft.assigned_tags} onChange={(t) => set("assigned_tags", t)} />
          <span class="small muted">Contacts with any of these tags are answered by this agent.</span>
          {errors.assigned_tags && <span class="field-error">{errors.assigned_tags}</span>}
        </div>
        <label>
          System context
          <textarea
            name="system_context"
            rows={6}
            value={draft.system_context}
            onInput={(e) => set("system_context", e.currentTarget.value)}
            placeholder="You are the assistant of Loja Azul. Be brief and friendly…"
          />
          {errors.system_context && <span class="field-error">{errors.system_context}</span>}
        </label>
        <JsonEditor
          id="agent-memory"
          label="Memory (JSON: facts the agent always knows)"
          value={draft.memory}
          onInput={(t) => set("memory", t)}
          error={errors.memory}
          rows={6}
        />
        <label>
          Model
          <input name="model" class="mono" value={draft.model} onInput={(e) => set("model", e.currentTarget.value)} placeholder={DEFAULT_AGENT_MODEL} />
          <span class="small muted">A Workers AI model id.</span>
          {errors.model && <span class="field-error">{errors.model}</span>}
        </label>
        <label class="switch">
          <input type="checkbox" checked={draft.enabled} onChange={(e) => set("enabled", e.currentTarget.checked)} />
          <span>Enabled</span>
        </label>
        {errors.form && (
          <p class="error" role="alert">
            {errors.form}
          </p>
        )}
        <div class="row" style={{ justifyContent: "flex-end" }}>
          <a href="/agents">
            <button type="button">Cancel</button>
          </a>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? "Saving…" : id ? "Save agent" : "Create agent"}
          </button>
        </div>
      </form>
    </section>
  );
}

import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { renderStep } from "../../../../worker/shared/menu-engine";
import { type MenuStructure, menuStructure } from "../../../../worker/shared/menu-schema";
import { ApiError, api, call } from "../../api/client";
import { PageHeader } from "../../components/page-header";
import { EXAMPLE_MENU, type MenuView } from "./types";

type Check = { ok: true; preview: { id: string; text: string }[] } | { ok: false; errors: string[] };

/** Validates the JSON as the server will, and renders every step as WhatsApp will show it. */
function check(text: string): Check {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`JSON: ${(err as Error).message}`] };
  }
  const r = menuStructure.safeParse(json);
  if (!r.success) return { ok: false, errors: r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`) };
  const steps = r.data.steps;
  const order = [r.data.start, ...Object.keys(steps).filter((k) => k !== r.data.start)];
  return { ok: true, preview: order.map((id) => ({ id, text: renderStep(steps[id]!, { name: "Ana" }) })) };
}

export function MenuEditor({ id }: { id: string | null }) {
  const { route } = useLocation();
  const [name, setName] = useState("");
  const [type, setType] = useState<MenuView["type"]>("text");
  const [keywords, setKeywords] = useState("");
  const [active, setActive] = useState(true);
  const [menu, setMenu] = useState(JSON.stringify(EXAMPLE_MENU, null, 2));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [loaded, setLoaded] = useState(id === null);
  const result = useMemo(() => check(menu), [menu]);

  useEffect(() => {
    if (!id) return;
    call(api.workflows[":id"].$get({ param: { id } }))
      .then((m) => {
        setName(m.name);
        setType(m.type);
        setKeywords(m.trigger_keywords.join(", "));
        setActive(m.is_active);
        setMenu(JSON.stringify(m.menu_structure, null, 2));
        setLoaded(true);
      })
      .catch((err: unknown) => setErrors({ form: err instanceof ApiError ? err.message : "Could not load" }));
  }, [id]);

  const save = async (e: Event) => {
    e.preventDefault();
    if (!result.ok) return;
    setErrors({});
    const body = {
      name: name.trim(),
      type,
      trigger_keywords: keywords
        .split(",")
        .map((k) => k.trim())
        .filter(Boolean),
      menu_structure: JSON.parse(menu) as MenuStructure,
      is_active: active,
    };
    try {
      if (id) await call(api.workflows[":id"].$patch({ param: { id }, json: body }));
      else await call(api.workflows.$post({ json: body }));
      route("/menus");
    } catch (err) {
      if (err instanceof ApiError) {
        const f = err.fieldErrors();
        setErrors(Object.keys(f).length ? f : { form: err.message });
      } else setErrors({ form: "Could not save" });
    }
  };

  if (!loaded) return <p class="muted">{errors.form ?? "Loading…"}</p>;
  const menuErrors = Object.entries(errors).filter(([k]) => k.startsWith("menu_structure"));
  return (
    <section>
      <PageHeader title={id ? `Edit ${name}` : "New menu"} />
      <form class="menu-editor" onSubmit={save} aria-label="Menu">
        <div class="card">
          <label>
            Name
            <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required />
            {errors.name && <span class="field-error">{errors.name}</span>}
          </label>
          <label>
            Trigger keywords (comma-separated)
            <input name="trigger_keywords" value={keywords} onInput={(e) => setKeywords(e.currentTarget.value)} placeholder="menu, help, ajuda" />
            {errors.trigger_keywords && <span class="field-error">{errors.trigger_keywords}</span>}
          </label>
          <label>
            Type
            <select value={type} onChange={(e) => setType(e.currentTarget.value as MenuView["type"])}>
              <option value="text">Numbered text (works everywhere)</option>
              <option value="button">Buttons (sent as numbered text where unsupported)</option>
              <option value="list">List (sent as numbered text where unsupported)</option>
            </select>
          </label>
          <label class="row">
            <input type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} style={{ width: "auto" }} /> Active
          </label>
          <label>
            Menu (JSON)
            <textarea name="menu_structure" rows={18} spellcheck={false} class="mono" value={menu} onInput={(e) => setMenu(e.currentTarget.value)} />
          </label>
          {!result.ok && (
            <ul class="error" role="alert" data-testid="menu-errors">
              {result.errors.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          )}
          {menuErrors.map(([k, m]) => (
            <p class="field-error" key={k}>
              {k}: {m}
            </p>
          ))}
          {errors.form && (
            <p class="error" role="alert">
              {errors.form}
            </p>
          )}
          <div class="row" style={{ justifyContent: "flex-end" }}>
            <a href="/menus">
              <button type="button">Cancel</button>
            </a>
            <button type="submit" class="primary" disabled={!result.ok}>
              Save
            </button>
          </div>
        </div>
        <section class="card" aria-labelledby="menu-preview-title">
          <h2 id="menu-preview-title">Preview</h2>
          {result.ok ? (
            result.preview.map((p) => (
              <div key={p.id}>
                <div class="small muted">{p.id}</div>
                <pre class="menu-preview bubble" data-testid={`preview-${p.id}`}>
                  {p.text}
                </pre>
              </div>
            ))
          ) : (
            <p class="muted">Fix the menu to see the preview.</p>
          )}
        </section>
      </form>
    </section>
  );
}

import { useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { ApiError, api, call } from "../../api/client";
import { PageHeader } from "../../components/page-header";

export function NewInstance() {
  const { route } = useLocation();
  const [name, setName] = useState("");
  const [number, setNumber] = useState("");
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    try {
      const created = await call(api.instances.$post({ json: { name: name.trim(), number: number.trim() } }));
      route(`/instances/${created.id}`);
    } catch (err) {
      if (err instanceof ApiError) {
        const fields = err.fieldErrors();
        setErrors(Object.keys(fields).length ? fields : { form: err.message });
      } else setErrors({ form: "Could not create the instance" });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section style={{ maxWidth: "480px" }}>
      <PageHeader title="Connect a WhatsApp number" />
      <form class="card" onSubmit={submit} aria-label="New instance">
        <label>
          Instance name
          <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="sales-br" required />
          {errors.name && <span class="field-error">{errors.name}</span>}
        </label>
        <label>
          WhatsApp number
          <input name="number" type="tel" value={number} onInput={(e) => setNumber(e.currentTarget.value)} placeholder="+55 11 98888-7777" required />
          {errors.number && <span class="field-error">{errors.number}</span>}
        </label>
        {errors.form && (
          <p class="error" role="alert">
            {errors.form}
          </p>
        )}
        <div class="row" style={{ justifyContent: "flex-end" }}>
          <a href="/instances">
            <button type="button">Cancel</button>
          </a>
          <button type="submit" class="primary" disabled={busy}>
            {busy ? "Creating…" : "Create and show QR"}
          </button>
        </div>
      </form>
    </section>
  );
}

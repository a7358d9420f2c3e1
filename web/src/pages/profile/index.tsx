import { PageHeader } from "../../components/page-header";
import { canAdmin, me } from "../../state/me";
import { NameForm, PasswordForm } from "./account";
import { ApiKeys } from "./api-keys";
import { Sessions } from "./sessions";

/** The signed-in person: name, password, sessions, API keys (owners and admins). */
export function Profile() {
  const m = me.value;
  if (!m) return <p class="muted">Loading…</p>;
  return (
    <section class="profile">
      <PageHeader title="Profile" />
      {m.user ? (
        <>
          <p class="muted">
            {m.user.email} · <span data-testid="my-role">{m.role}</span>
          </p>
          <NameForm name={m.user.name} />
          <PasswordForm />
        </>
      ) : (
        <p class="card" data-testid="bootstrap-hint">
          You are signed in with the admin token. It acts as the owner and has no profile. <a href="/team">Create your own owner account</a> on the Team page
          (invite yourself, then open the link), and sign in with it from then on.
        </p>
      )}
      <Sessions />
      {m.user && canAdmin.value && <ApiKeys />}
    </section>
  );
}

import { PageHeader } from "../../components/page-header";
import { adminOnly } from "../../components/role-gate";
import { isTokenOwner } from "../../state/me";
import { InviteForm } from "./invite-form";
import { UnitList } from "./units";
import { useTeam } from "./use-team";
import { UserList } from "./users";

function TeamPage() {
  const { users, units, instances, error, reload } = useTeam();
  return (
    <section class="team">
      <PageHeader title="Team" />
      {isTokenOwner.value && (
        <p class="team-bootstrap card" data-testid="bootstrap-hint">
          You are signed in with the admin token: it acts as the owner but has no name, so notes, replies and the audit log cannot say it was you. Invite
          yourself as an owner below and open the link to set your password.
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {users === null ? <p class="muted">Loading…</p> : <UserList users={users} units={units} onChanged={reload} />}
      <InviteForm units={units} defaultRole={isTokenOwner.value ? "owner" : "agent"} onInvited={reload} />
      {users !== null && <UnitList units={units} users={users} instances={instances} onChanged={reload} />}
    </section>
  );
}

export const Team = adminOnly("Team", TeamPage);

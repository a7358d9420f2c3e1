import type { ComponentChildren, ComponentType } from "preact";
import { canAdmin, me } from "../../state/me";
import { PageHeader } from "../page-header";

/** What an agent sees on a page for owners and admins (the API would answer 403 anyway). */
export function NotForYourRole({ title }: { title: string }) {
  return (
    <section data-testid="not-for-role">
      <PageHeader title={title} />
      <p class="empty">This page is for owners and admins. Ask one of them if you need something changed here.</p>
    </section>
  );
}

/** A page only owners and admins may use: an agent gets the sentence above instead. */
export function adminOnly<P extends object>(title: string, Page: ComponentType<P>) {
  return function AdminOnly(props: P) {
    if (me.value === null) return <p class="muted">Loading…</p>;
    return canAdmin.value ? <Page {...props} /> : <NotForYourRole title={title} />;
  };
}

/** Children only for owners and admins (buttons, forms). */
export function AdminOnly({ children }: { children: ComponentChildren }) {
  return canAdmin.value ? children : null;
}

import { PageHeader } from "../../components/page-header";

export function Contacts() {
  return (
    <section>
      <PageHeader title="Contacts" />
      <p class="empty">The contact book is not built yet.</p>
    </section>
  );
}

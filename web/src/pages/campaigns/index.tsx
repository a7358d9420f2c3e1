import { PageHeader } from "../../components/page-header";

export function Campaigns() {
  return (
    <section>
      <PageHeader title="Campaigns" />
      <p class="empty">Campaigns are not built yet.</p>
    </section>
  );
}

import { PageHeader } from "../../components/page-header";

export function Workflows() {
  return (
    <section>
      <PageHeader title="Workflows" />
      <p class="empty">Interactive menus are not built yet.</p>
    </section>
  );
}

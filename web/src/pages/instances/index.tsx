import { PageHeader } from "../../components/page-header";

export function Instances() {
  return (
    <section>
      <PageHeader title="Instances" />
      <p class="empty">No WhatsApp numbers connected yet. Connecting numbers arrives with the instances feature.</p>
    </section>
  );
}

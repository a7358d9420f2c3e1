import { PageHeader } from "../../components/page-header";

export function Inbox() {
  return (
    <section>
      <PageHeader title="Inbox" />
      <p class="empty">The inbox is not built yet.</p>
    </section>
  );
}

import { PageHeader } from "../../components/page-header";

export function Agents() {
  return (
    <section>
      <PageHeader title="AI agents" />
      <p class="empty">AI agents are not built yet.</p>
    </section>
  );
}

import { PageHeader } from "../components/page-header";

export function About() {
  return (
    <section class="prose">
      <PageHeader title="About Parley" />
      <p>Parley is a WhatsApp CRM that runs on Cloudflare's edge: contacts with tags and AI context, a live inbox, throttled campaigns and AI agents.</p>
      <h2>Notices</h2>
      <p>
        Parley talks to WhatsApp through <a href="https://github.com/EvolutionAPI/evolution-api">Evolution API</a>, an open-source project by Evolution API and
        its contributors, licensed under the Apache License 2.0 with additional conditions that ask products built on it to show this notice. Parley is not
        affiliated with Evolution API, WhatsApp or Meta.
      </p>
    </section>
  );
}

import { env } from "cloudflare:workers";
import type { EvolutionSimulator } from "../../../simulator";
import { newId } from "../../platform/lib/ids";
import type { CampaignDetail } from "../../shared/campaigns";
import { api, eventually, jsonOf, uid } from "../helpers";

/** Creates an instance through the API (so the simulator knows it) and scans it open. */
export async function openInstance(sim: EvolutionSimulator): Promise<{ id: string; name: string }> {
  const name = `cmp-${uid()}`;
  const res = await api("/api/instances", { method: "POST", json: { name, number: "+5511988880000" } });
  if (res.status !== 201) throw new Error(`create instance: ${res.status} ${await res.text()}`);
  const { id } = await jsonOf<{ id: string }>(res);
  sim.scan(name);
  await eventually(async () => (await env.DB.prepare("SELECT status FROM instances WHERE id = ?").bind(id).first<{ status: string }>())?.status === "open");
  return { id, name };
}

export type Seeded = { id: string; name: string | null; number: string; digits: string };

/** Inserts contacts with a tag straight into D1 (fast enough for thousands). */
export async function seedContacts(n: number, tag: string, names: (i: number) => string | null = (i) => `Person ${i} Test`, country = "BR"): Promise<Seeded[]> {
  const out: Seeded[] = [];
  const base = 10_000_000 + Math.floor(Math.random() * 80_000_000);
  for (let i = 0; i < n; i++) {
    const digits = `55119${String(base + i).padStart(8, "0")}`;
    out.push({ id: newId("contact"), name: names(i), number: `+${digits}`, digits });
  }
  for (let i = 0; i < out.length; i += 200) {
    const stmts = out
      .slice(i, i + 200)
      .flatMap((c) => [
        env.DB.prepare("INSERT INTO contacts (id, name, whatsapp_number, country, tags) VALUES (?, ?, ?, ?, ?)").bind(
          c.id,
          c.name,
          c.number,
          country,
          JSON.stringify([tag]),
        ),
        env.DB.prepare("INSERT INTO contact_tags (contact_id, tag) VALUES (?, ?)").bind(c.id, tag),
      ]);
    await env.DB.batch(stmts);
  }
  return out;
}

export async function createCampaign(body: Record<string, unknown>): Promise<CampaignDetail> {
  const res = await api("/api/campaigns", { method: "POST", json: body });
  if (res.status !== 201) throw new Error(`create campaign: ${res.status} ${await res.text()}`);
  return jsonOf<CampaignDetail>(res);
}

export async function getCampaign(id: string): Promise<CampaignDetail> {
  return jsonOf<CampaignDetail>(await api(`/api/campaigns/${id}`));
}

export async function control(id: string, action: "start" | "pause" | "resume" | "cancel"): Promise<Response> {
  return api(`/api/campaigns/${id}/${action}`, { method: "POST", json: {} });
}

export function waitForStatus(id: string, statuses: string[], timeoutMs = 20_000): Promise<CampaignDetail> {
  return eventually(async () => {
    const c = await getCampaign(id);
    return statuses.includes(c.status) ? c : undefined;
  }, timeoutMs);
}

/** The invariant the engine promises at every moment. */
export async function countsFromRows(id: string) {
  const rows = await env.DB.prepare("SELECT status, count(*) AS n FROM campaign_recipients WHERE campaign_id = ? GROUP BY status")
    .bind(id)
    .all<{ status: string; n: number }>();
  return Object.fromEntries(rows.results.map((r) => [r.status, r.n])) as Record<string, number>;
}

export const tag = () => `t${uid()}`;

/** Lets in-flight acks/webhooks settle (bounded) so the file's runtime tears down quietly. */
export async function settle(sim: EvolutionSimulator, ms = 1500): Promise<void> {
  await Promise.race([sim.idle(), new Promise((r) => setTimeout(r, ms))]);
}

// The audit log (issue 17 §7): every listed write appends a row naming who, what and the target,
// with small details (ids, field names), never secrets.
import { afterAll, describe, expect, it } from "vitest";
import { createCampaign, openInstance, settle } from "../campaigns/fixtures";
import { brMobile, createContact } from "../contacts/contacts.fixtures";
import { api, jsonOf, seedInstance, uid } from "../helpers";
import { SUPPORT_MENU } from "../menus/fixtures";
import { installSimulator } from "../simulator-harness";
import { inbound, invite } from "./fixtures";

const { sim, restore } = installSimulator();
afterAll(async () => {
  await settle(sim);
  restore();
});

type Row = { at: string; actor: { user_id: string | null; label: string }; action: string; target: { type: string; id: string | null }; details: unknown };

async function rowsFor(targetId: string): Promise<Row[]> {
  const out: Row[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Row[]; next_cursor: string | null } = await jsonOf(await api(`/api/audit?limit=200${cursor ? `&cursor=${cursor}` : ""}`));
    out.push(...page.items.filter((r) => r.target.id === targetId));
    cursor = page.next_cursor;
  } while (cursor);
  return out.reverse(); // oldest first
}
const actions = async (targetId: string) => (await rowsFor(targetId)).map((r) => r.action);

describe("audit log writes", () => {
  it("contacts: create, update, tags, llm-context, delete, bulk and import", async () => {
    const admin = await invite({ role: "admin", name: "Adriana Admin" });
    const created = await admin.call("/api/contacts", { method: "POST", json: { whatsapp_number: brMobile(), name: "Lia" } });
    expect(created.status).toBe(201);
    const { id } = await jsonOf<{ id: string }>(created);
    await admin.call(`/api/contacts/${id}`, { method: "PATCH", json: { name: "Lia Souza", description: "VIP" } });
    await admin.call(`/api/contacts/${id}/tags`, { method: "POST", json: { tag: "vip" } });
    await admin.call(`/api/contacts/${id}/tags/vip`, { method: "DELETE" });
    await admin.call(`/api/contacts/${id}/llm-context`, { method: "POST", json: { plan: "gold" } });
    await admin.call(`/api/contacts/${id}/llm-context`, { method: "PUT", json: { plan: "silver" } });
    await admin.call(`/api/contacts/${id}`, { method: "DELETE" });
    const rows = await rowsFor(id);
    expect(rows.map((r) => r.action)).toEqual([
      "contact.create",
      "contact.update",
      "contact.tag_add",
      "contact.tag_remove",
      "contact.llm_context",
      "contact.llm_context",
      "contact.delete",
    ]);
    expect(rows.every((r) => r.actor.user_id === admin.id && r.actor.label === `Adriana Admin <${admin.email}>`)).toBe(true);
    expect(rows[1]!.details).toEqual({ fields: ["name", "description"] });
    expect(rows[4]!.details).toEqual({ mode: "append", keys: ["plan"] });

    const other = await createContact();
    await admin.call("/api/contacts/bulk", { method: "POST", json: { ids: [other.id], action: "add_tag", tag: "bulk" } });
    const csv = `whatsapp_number,name\n${brMobile()},Imported\n`;
    await admin.call("/api/contacts/import", { method: "POST", headers: { "content-type": "text/csv" }, body: csv });
    const recent = (await jsonOf<{ items: Row[] }>(await api(`/api/audit?actor=${admin.id}&limit=2`))).items;
    expect(recent[0]).toMatchObject({ action: "contact.import", target: { type: "contact", id: null }, details: { created: 1, updated: 0, rejected: 0 } });
    expect(recent[1]).toMatchObject({ action: "contact.bulk", details: { action: "add_tag", tag: "bulk", matched: 1, affected: 1 } });
    await api(`/api/contacts/${other.id}`, { method: "DELETE" });
    expect((await rowsFor(other.id)).map((r) => [r.action, r.actor.label])).toEqual([
      ["contact.create", "Owner (admin token)"],
      ["contact.delete", "Owner (admin token)"],
    ]);
  });

  it("instances, campaigns, AI agents and menus", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    // Three recipients at one a minute: it is still running when cancelled.
    const contacts = [await createContact(), await createContact(), await createContact()];
    const campaign = await createCampaign({
      name: `Audited ${uid()}`,
      contact_ids: contacts.map((c) => c.id),
      instance_id: inst.id,
      message: { content: "Oi {{name}}" },
      pacing: { per_minute: 1, jitter_pct: 0 },
    });
    for (const step of ["start", "pause", "resume", "cancel"]) {
      const res = await api(`/api/campaigns/${campaign.id}/${step}`, { method: "POST" });
      expect([step, res.status, res.status === 200 ? "" : await res.text()]).toEqual([step, 200, ""]);
    }
    expect(await actions(campaign.id)).toEqual(["campaign.create", "campaign.start", "campaign.pause", "campaign.resume", "campaign.cancel"]);

    const agent = await jsonOf<{ id: string }>(
      await api("/api/agents", { method: "POST", json: { name: "Bot", system_context: "Be kind", assigned_tags: [], instance_id: inst.id, enabled: false } }),
    );
    await api(`/api/agents/${agent.id}`, { method: "PATCH", json: { name: "Bot 2" } });
    await api(`/api/agents/${agent.id}`, { method: "DELETE" });
    expect(await actions(agent.id)).toEqual(["agent.create", "agent.update", "agent.delete"]);

    const menu = await jsonOf<{ id: string }>(
      await api("/api/workflows", { method: "POST", json: { name: `menu-${uid()}`, trigger_keywords: [`k${uid()}`], menu_structure: SUPPORT_MENU } }),
    );
    await api(`/api/workflows/${menu.id}`, { method: "PATCH", json: { is_active: false } });
    await api(`/api/workflows/${menu.id}`, { method: "DELETE" });
    expect(await actions(menu.id)).toEqual(["menu.create", "menu.update", "menu.delete"]);

    await api(`/api/instances/${inst.id}/connect`, { method: "POST" });
    await api(`/api/instances/${inst.id}/webhook`, { method: "PATCH", json: { url: "https://hooks.example.com/in?token=SECRET123" } });
    await api(`/api/instances/${inst.id}/logout`, { method: "POST" });
    await api(`/api/instances/${inst.id}`, { method: "DELETE" });
    const instRows = await rowsFor(inst.id);
    expect(instRows.map((r) => r.action)).toEqual(["instance.create", "instance.connect", "instance.webhook", "instance.logout", "instance.delete"]);
    expect(JSON.stringify(instRows)).not.toContain("SECRET123");
  });

  it("a person's inbox send and a note", async () => {
    const inst = await seedInstance();
    const conv = await inbound(inst);
    const sent = await jsonOf<{ id: string }>(await api(`/api/conversations/${conv.id}/messages`, { method: "POST", json: { type: "text", content: "Olá" } }));
    await api(`/api/conversations/${conv.id}/notes`, { method: "POST", json: { text: "called them" } });
    const rows = await rowsFor(conv.id);
    expect(rows.map((r) => r.action)).toEqual(["message.send", "note.create"]);
    expect(rows[0]!.details).toEqual({ message_id: sent.id, type: "text" });
  });
});

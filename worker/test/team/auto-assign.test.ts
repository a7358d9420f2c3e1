// Auto-assignment (issue 17 §4): a unit that auto-assigns gives each new conversation to the next
// member in its rotation who is online now (an open dashboard) and below their capacity.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { autoAssign } from "../../inbox/assignment";
import type { ConversationView } from "../../shared/inbox";
import { createContact } from "../contacts/contacts.fixtures";
import { api, eventually, jsonOf, seedInstance } from "../helpers";
import { conversationOf, inbound, invite, openDashboard, unit } from "./fixtures";

const assigned = (c: ConversationView) => eventually(async () => (await conversationOf(c.id)).assignee);

describe("auto-assignment", () => {
  it("round-robin among members online now, skipping the offline and those at capacity", async () => {
    const inst = await seedInstance();
    const m1 = await invite({ name: "Online One" });
    const offline = await invite({ name: "Offline" });
    const m3 = await invite({ name: "Online Three", capacity: 1 });
    await unit({ instanceIds: [inst.id], memberIds: [m1.id, offline.id, m3.id], autoAssign: true });
    const dashboards = [await openDashboard(m1), await openDashboard(m3)];

    const first = await assigned(await inbound(inst));
    const second = await assigned(await inbound(inst));
    // One each, in rotation order; the offline member is passed over.
    expect([first.id, second.id].sort()).toEqual([m1.id, m3.id].sort());
    // m3 now works one conversation, their capacity: the rotation skips them.
    const third = await assigned(await inbound(inst));
    const fourth = await assigned(await inbound(inst));
    expect([third.id, fourth.id]).toEqual([m1.id, m1.id]);

    const conv = await inbound(inst);
    await assigned(conv);
    expect((await conversationOf(conv.id)).agent_paused).toBe(true);
    const unitRow = await env.DB.prepare("SELECT last_assigned_user_id AS last FROM units u JOIN instances i ON i.unit_id = u.id WHERE i.id = ?")
      .bind(inst.id)
      .first<{ last: string }>();
    expect(unitRow?.last).toBe(m1.id);

    const audit = await jsonOf<{ items: { actor: { label: string }; target: { id: string }; details: unknown }[] }>(
      await api("/api/audit?action=conversation.assign&limit=200"),
    );
    expect(audit.items.find((r) => r.target.id === conv.id)).toMatchObject({ actor: { label: "system" }, details: { from: null, to: m1.id, auto: true } });
    for (const d of dashboards) d.close();
  });

  it("nobody online or below capacity: the conversation stays unassigned; a unit without auto-assign never assigns", async () => {
    const inst = await seedInstance();
    const away = await invite({ name: "Away" });
    await unit({ instanceIds: [inst.id], memberIds: [away.id], autoAssign: true });
    const conv = await inbound(inst);
    expect(await autoAssign(env, conv.id, inst.id)).toBeNull();
    expect((await conversationOf(conv.id)).assignee).toBeNull();

    const manual = await seedInstance();
    const here = await invite({ name: "Here" });
    await unit({ instanceIds: [manual.id], memberIds: [here.id] });
    const dash = await openDashboard(here);
    const other = await inbound(manual);
    expect(await autoAssign(env, other.id, manual.id)).toBeNull();
    expect((await conversationOf(other.id)).assignee).toBeNull();
    dash.close();
  });

  it("a conversation a member opens from the inbox is theirs; one the admin token opens goes to the rotation", async () => {
    const inst = await seedInstance();
    const opener = await invite({ name: "Opener" });
    const other = await invite({ name: "Other" });
    await unit({ instanceIds: [inst.id], memberIds: [opener.id, other.id], autoAssign: true });
    const dash = await openDashboard(other);
    const contact = await createContact();
    const mine = await opener.call("/api/conversations", { method: "POST", json: { contact_id: contact.id, instance_id: inst.id } });
    expect(mine.status).toBe(201);
    expect((await jsonOf<ConversationView>(mine)).assignee?.id).toBe(opener.id);

    const second = await createContact();
    const byToken = await api("/api/conversations", { method: "POST", json: { contact_id: second.id, instance_id: inst.id } });
    expect((await jsonOf<ConversationView>(byToken)).assignee?.id).toBe(other.id); // the only one online
    dash.close();
  });
});

import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { installSimulator } from "../simulator-harness";
import { control, countsFromRows, createCampaign, openInstance, seedContacts, settle, tag, waitForStatus } from "./fixtures";

const { sim, restore } = installSimulator();
afterAll(async () => {
  await settle(sim);
  restore();
});

describe("a campaign to tagged contacts against the simulator", () => {
  it("sends 3 rendered messages, writes each into its contact's conversation, completes", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    const people = await seedContacts(3, t, (i) => [`Ana Souza`, `Bruno Lima`, null][i] ?? null);
    const campaign = await createCampaign({
      name: "Launch",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Hi {{first_name|there}} ({{name|friend}}) from {{country}}!" },
      pacing: { per_minute: 0 },
    });
    expect(campaign.status).toBe("pending");
    expect((await control(campaign.id, "start")).status).toBe(200);
    const done = await waitForStatus(campaign.id, ["completed"]);
    expect(done).toMatchObject({ contact_count: 3, sent: 3, failed: 0, skipped: 0, pending: 0 });

    const sends = sim.sends(inst.name).filter((s) => s.route === "sendText");
    expect(sends).toHaveLength(3);
    const bodies = new Map(sends.map((s) => [(s.body as { number: string }).number, (s.body as { text: string }).text]));
    expect(bodies.get(people[0]!.digits)).toBe("Hi Ana (Ana Souza) from BR!");
    expect(bodies.get(people[1]!.digits)).toBe("Hi Bruno (Bruno Lima) from BR!");
    expect(bodies.get(people[2]!.digits)).toBe("Hi there (friend) from BR!");

    for (const p of people) {
      const row = await env.DB.prepare(
        `SELECT r.status, r.message_id, m.sender, m.content, m.external_id, cv.contact_id, cv.status AS cv_status
           FROM campaign_recipients r JOIN messages m ON m.external_id = r.message_id JOIN conversations cv ON cv.id = m.conversation_id
          WHERE r.campaign_id = ? AND r.contact_id = ?`,
      )
        .bind(campaign.id, p.id)
        .first<Record<string, string>>();
      expect(row).toMatchObject({ status: "sent", contact_id: p.id, cv_status: "active", content: bodies.get(p.digits) });
      expect(sends.find((s) => s.keyId === row?.message_id)).toBeTruthy();
    }
    expect(await countsFromRows(campaign.id)).toEqual({ sent: 3 });
  });

  it("records an image send like every message we send: caption stored, the conversation shows [image] and the caption", { timeout: 30_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    const [person] = await seedContacts(1, t, () => "Ana Souza");
    const campaign = await createCampaign({
      name: "Photo",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Hi {{first_name}}, new arrivals!", attachment_base64: "iVBORw0KGgo=", mime_type: "image/png" },
      pacing: { per_minute: 0 },
    });
    expect((await control(campaign.id, "start")).status).toBe(200);
    expect(await waitForStatus(campaign.id, ["completed"])).toMatchObject({ sent: 1, failed: 0 });
    expect(sim.sends(inst.name).filter((s) => s.route === "sendMedia")).toHaveLength(1);
    const row = await env.DB.prepare(
      `SELECT m.type, m.content, m.caption, m.mime_type, m.sender, m.status, cv.last_message_content
         FROM campaign_recipients r JOIN messages m ON m.external_id = r.message_id JOIN conversations cv ON cv.id = m.conversation_id
        WHERE r.campaign_id = ? AND r.contact_id = ?`,
    )
      .bind(campaign.id, person!.id)
      .first();
    expect(row).toEqual({
      type: "image",
      content: null,
      caption: "Hi Ana, new arrivals!",
      mime_type: "image/png",
      sender: "campaign",
      status: "sent",
      last_message_content: "[image] Hi Ana, new arrivals!",
    });
  });
});

import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { isOptOut, OPT_OUT_CONFIRMATION, onCampaignReceipt, onContactReply } from "../../campaigns/followup";
import { api, eventually, jsonOf } from "../helpers";
import { installSimulator } from "../simulator-harness";
import { control, createCampaign, openInstance, seedContacts, settle, tag, waitForStatus } from "./fixtures";

const { sim, restore } = installSimulator();
afterAll(async () => {
  await settle(sim);
  restore();
});

const recipient = (campaignId: string, contactId: string) =>
  env.DB.prepare("SELECT status, message_id FROM campaign_recipients WHERE campaign_id = ? AND contact_id = ?")
    .bind(campaignId, contactId)
    .first<{ status: string; message_id: string }>();

describe("follow-up: receipts, replies, opt-out", () => {
  it("recognises opt-out keywords (configurable), whole message only", () => {
    expect(isOptOut(" stop! ", "STOP,UNSUBSCRIBE,SAIR,PARAR")).toBe(true);
    expect(isOptOut("Parar", "STOP,UNSUBSCRIBE,SAIR,PARAR")).toBe(true);
    expect(isOptOut("please stop sending", "STOP")).toBe(false);
    expect(isOptOut("BAIXA", "BAIXA")).toBe(true);
  });

  it("a STOP reply opts the contact out once, confirms once, and the next campaign skips it", { timeout: 60_000 }, async () => {
    const inst = await openInstance(sim);
    const t = tag();
    const [ana, bruno, carla] = await seedContacts(3, t);
    const first = await createCampaign({
      name: "First",
      target_tags: [t],
      instance_id: inst.id,
      message: { content: "Hi {{first_name}}" },
      pacing: { per_minute: 0 },
    });
    await control(first.id, "start");
    await waitForStatus(first.id, ["completed"]);

    // Receipts move the recipient forward, never back.
    const anaRow = await recipient(first.id, ana!.id);
    await onCampaignReceipt(env, inst.id, anaRow!.message_id, "read");
    await onCampaignReceipt(env, inst.id, anaRow!.message_id, "delivered");
    expect((await recipient(first.id, ana!.id))?.status).toBe("read");

    const sendsBefore = sim.sends(inst.name).length;
    expect(await onContactReply(env, inst.id, bruno!.id, "STOP")).toEqual({ optedOut: true });
    expect(await onContactReply(env, inst.id, bruno!.id, "stop")).toEqual({ optedOut: true });
    // The confirmation goes out through the outbox, once, and lands in the conversation.
    await eventually(async () => sim.sends(inst.name).length > sendsBefore, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    const confirmations = sim.sends(inst.name).slice(sendsBefore);
    expect(confirmations).toHaveLength(1);
    await eventually(() =>
      env.DB.prepare(
        "SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.contact_id = ? AND m.content = ? AND m.external_id IS NOT NULL",
      )
        .bind(bruno!.id, OPT_OUT_CONFIRMATION)
        .first(),
    );
    expect(confirmations[0]?.body).toMatchObject({ number: bruno!.digits, text: OPT_OUT_CONFIRMATION });
    expect((await env.DB.prepare("SELECT opted_out FROM contacts WHERE id = ?").bind(bruno!.id).first<{ opted_out: number }>())?.opted_out).toBe(1);
    expect((await recipient(first.id, bruno!.id))?.status).toBe("replied");

    // A normal reply marks replied without opting out.
    expect(await onContactReply(env, inst.id, carla!.id, "Thanks!")).toEqual({ optedOut: false });
    expect((await recipient(first.id, carla!.id))?.status).toBe("replied");

    const audience = await jsonOf<{ count: number }>(await api("/api/campaigns/audience", { method: "POST", json: { target_tags: [t], match: "all" } }));
    expect(audience.count).toBe(2);
    const second = await createCampaign({ name: "Second", target_tags: [t], instance_id: inst.id, message: { content: "Again" }, pacing: { per_minute: 0 } });
    await control(second.id, "start");
    const done = await waitForStatus(second.id, ["completed"]);
    expect(done).toMatchObject({ contact_count: 2, sent: 2 });
    expect(await recipient(second.id, bruno!.id)).toBeNull();
    const againTo = sim
      .sends(inst.name)
      .filter((s) => (s.body as { text?: string }).text === "Again")
      .map((s) => (s.body as { number: string }).number);
    expect(againTo.sort()).toEqual([ana!.digits, carla!.digits].sort());
  });
});

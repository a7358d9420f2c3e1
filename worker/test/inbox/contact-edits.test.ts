import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { api, jsonOf, seedInstance } from "../helpers";
import { installSimulator } from "../simulator-harness";
import { contactByNumber, conversationRow, messageByExternal, phone, send, upsert } from "./fixtures";

const { restore } = installSimulator();
afterAll(restore);

/** A sender whose first message had no pushName: the inbox caches their contact without a name. */
async function namelessSender() {
  const inst = await seedInstance({ status: "open" });
  const from = phone();
  const { pushName: _, ...nameless } = upsert({ from });
  await send(inst, "messages.upsert", nameless);
  await messageByExternal(inst.id, nameless.key.id);
  const contact = (await contactByNumber(`+${from}`))!;
  expect(contact.name).toBeNull();
  return { inst, from, contact };
}

describe("the inbox after a contact is edited or deleted through the API", () => {
  it("a message from a contact's old number goes to a new contact once the number was changed", async () => {
    const inst = await seedInstance({ status: "open" });
    const [oldNumber, newNumber] = [phone(), phone()];
    const first = upsert({ from: oldNumber, pushName: "Carla" });
    await send(inst, "messages.upsert", first);
    const m1 = await messageByExternal(inst.id, first.key.id);
    const carla = (await contactByNumber(`+${oldNumber}`))!;

    const res = await api(`/api/contacts/${carla.id}`, { method: "PATCH", json: { whatsapp_number: `+${newNumber}` } });
    expect(res.status).toBe(200);

    const second = upsert({ from: oldNumber, pushName: "Someone else" });
    await send(inst, "messages.upsert", second);
    const m2 = await messageByExternal(inst.id, second.key.id);
    const other = (await contactByNumber(`+${oldNumber}`))!;
    expect(other).toMatchObject({ name: "Someone else" });
    expect(other.id).not.toBe(carla.id);
    expect((await conversationRow(m2.conversation_id))?.contact_id).toBe(other.id);
    expect((await conversationRow(m1.conversation_id))?.contact_id).toBe(carla.id);

    // …and Carla's new number reaches Carla.
    const third = upsert({ from: newNumber, pushName: "Carla" });
    await send(inst, "messages.upsert", third);
    const m3 = await messageByExternal(inst.id, third.key.id);
    expect((await conversationRow(m3.conversation_id))?.contact_id).toBe(carla.id);
  });

  it("a message from a deleted contact's number creates the contact again", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const first = upsert({ from, pushName: "Dora" });
    await send(inst, "messages.upsert", first);
    await messageByExternal(inst.id, first.key.id);
    const dora = (await contactByNumber(`+${from}`))!;
    expect((await api(`/api/contacts/${dora.id}`, { method: "DELETE" })).status).toBe(200);

    const again = upsert({ from, pushName: "Dora" });
    await send(inst, "messages.upsert", again);
    const m = await messageByExternal(inst.id, again.key.id);
    const back = (await contactByNumber(`+${from}`))!;
    expect(back.id).not.toBe(dora.id);
    expect((await conversationRow(m.conversation_id))?.contact_id).toBe(back.id);
  });

  it("a name given through the API is never overwritten by a pushName", async () => {
    const { inst, from, contact } = await namelessSender();

    const res = await api(`/api/contacts/${contact.id}`, { method: "PATCH", json: { name: "Elisa (VIP)" } });
    expect(await jsonOf(res)).toMatchObject({ name: "Elisa (VIP)" });
    const named = upsert({ from, pushName: "elisa" });
    await send(inst, "messages.upsert", named);
    const m = await messageByExternal(inst.id, named.key.id);
    expect((await conversationRow(m.conversation_id))?.contact_id).toBe(contact.id);
    expect((await contactByNumber(`+${from}`))?.name).toBe("Elisa (VIP)");
  });

  it("a name written behind the inbox's back (no notice) is not overwritten either", async () => {
    const { inst, from } = await namelessSender();
    await env.DB.prepare("UPDATE contacts SET name = 'Fabio (lawyer)' WHERE whatsapp_number = ?").bind(`+${from}`).run();

    const named = upsert({ from, pushName: "fabio" });
    await send(inst, "messages.upsert", named);
    await messageByExternal(inst.id, named.key.id);
    expect((await contactByNumber(`+${from}`))?.name).toBe("Fabio (lawyer)");
  });
});

import { describe, expect, it } from "vitest";
import type { ConversationView, MessageView } from "../../shared/inbox";
import { api, eventually, jsonOf, seedInstance } from "../helpers";
import { type Inst, keyId, messageByExternal, messagesByExternal, phone, send, upsert } from "./fixtures";

const remove = (inst: Inst, from: string, id: string) => send(inst, "messages.delete", { remoteJid: `${from}@s.whatsapp.net`, fromMe: false, id });
const deleted = (inst: Inst, id: string) => eventually(async () => (await messagesByExternal(inst.id, id))[0]?.deleted_at);
const conversation = async (id: string) => jsonOf<ConversationView>(await api(`/api/conversations/${id}`));

describe("messages.delete and the conversation list", () => {
  it("the deleted text is no longer the conversation's preview nor findable by search", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    await send(inst, "messages.upsert", upsert({ id, from, message: { conversation: "meu cartão 4111 1111 1111 1111" } }));
    const m = await messageByExternal(inst.id, id);
    await remove(inst, from, id);
    await deleted(inst, id);
    const thread = await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${m.conversation_id}/messages`));
    expect(thread.items[0]?.content).toBeNull();
    const found = await jsonOf<{ items: ConversationView[] }>(await api(`/api/conversations?instance_id=${inst.id}&q=${encodeURIComponent("4111 1111")}`));
    expect({ preview: (await conversation(m.conversation_id)).last_message_content, found: found.items.length }).toEqual({ preview: "[deleted]", found: 0 });
  });

  it("a delete held until its message lands clears the preview too", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    await remove(inst, from, id);
    await send(inst, "messages.upsert", upsert({ id, from, message: { conversation: "senha 1234" } }));
    const m = await messageByExternal(inst.id, id);
    await deleted(inst, id);
    expect((await conversation(m.conversation_id)).last_message_content).toBe("[deleted]");
  });

  it("deleting an older message leaves the latest one as the preview", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const [older, newer] = [keyId(), keyId()];
    await send(inst, "messages.upsert", upsert({ id: older, from, ts: 1763900000, message: { conversation: "primeira" } }));
    await send(inst, "messages.upsert", upsert({ id: newer, from, ts: 1763900010, message: { conversation: "segunda" } }));
    const m = await messageByExternal(inst.id, newer);
    await remove(inst, from, older);
    await deleted(inst, older);
    expect((await conversation(m.conversation_id)).last_message_content).toBe("segunda");
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { api, eventually, jsonOf, seedInstance } from "../helpers";
import { keyId, messageByExternal, phone, send, upsert } from "./fixtures";
import { installSimulator } from "../simulator-harness";
import type { ConversationView, MessageView } from "../../shared/inbox";

const { restore } = installSimulator();
afterAll(restore);

describe("conversation preview vs. WhatsApp's whole-second timestamps", () => {
  it("a reply stamped in the same second as our send becomes the preview", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const first = keyId();
    await send(inst, "messages.upsert", upsert({ id: first, from, ts: Math.floor(Date.now() / 1000) - 60 }));
    const m = await messageByExternal(inst.id, first);
    // Wait until we are a little into a second, so our send's ms are past the whole second.
    while (Date.now() % 1000 < 200 || Date.now() % 1000 > 600) await new Promise((r) => setTimeout(r, 20));
    await api(`/api/conversations/${m.conversation_id}/messages`, { method: "POST", json: { type: "text", content: "Qual o seu CEP?" } });
    const reply = keyId();
    await send(inst, "messages.upsert", upsert({ id: reply, from, ts: Math.floor(Date.now() / 1000), message: { conversation: "Resposta automática: volto já" } }));
    await messageByExternal(inst.id, reply);
    const thread = await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${m.conversation_id}/messages`));
    expect(thread.items.at(-1)?.content).toBe("Resposta automática: volto já"); // the thread has it last…
    const conv = await eventually(async () => jsonOf<ConversationView>(await api(`/api/conversations/${m.conversation_id}`)));
    expect({ preview: conv.last_message_content, unread: conv.unread_count }).toEqual({ preview: "Resposta automática: volto já", unread: 2 });
  });
});

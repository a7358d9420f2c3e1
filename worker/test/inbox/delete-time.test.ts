import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MessageView } from "../../shared/inbox";
import { api, deliver, envelope, eventually, jsonOf, seedInstance } from "../helpers";
import { keyId, messageByExternal, messagesByExternal, phone, send, upsert } from "./fixtures";

describe("messages.delete: when the message was deleted", () => {
  it("is when the delete reached us, not date_time (Evolution in São Paulo: UTC-3 with a Z)", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    await send(inst, "messages.upsert", upsert({ id, from, ts: Math.floor(Date.now() / 1000), message: { conversation: "apaga isso" } }));
    const m = await messageByExternal(inst.id, id);
    // One minute later the contact deletes it; Evolution runs with TZ=America/Sao_Paulo.
    const saoPauloWallClock = new Date(Date.now() + 60_000 - 3 * 3600_000).toISOString();
    await deliver(inst, envelope(inst.name, "messages.delete", { remoteJid: `${from}@s.whatsapp.net`, fromMe: false, id }, saoPauloWallClock));
    await eventually(async () => (await messagesByExternal(inst.id, id))[0]?.deleted_at);
    const page = await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${m.conversation_id}/messages`));
    const shown = page.items[0]!;
    expect(Date.parse(shown.deleted_at!)).toBeGreaterThanOrEqual(Date.parse(shown.timestamp));
    expect(Math.abs(Date.parse(shown.deleted_at!) - Date.now())).toBeLessThan(5 * 60_000);
  });

  it("a delete held until its message lands keeps the time it reached us", async () => {
    const inst = await seedInstance({ status: "open" });
    const from = phone();
    const id = keyId();
    await send(inst, "messages.delete", { remoteJid: `${from}@s.whatsapp.net`, fromMe: false, id });
    await eventually(async () => env.DB.prepare("SELECT 1 AS x FROM webhook_events WHERE instance_id = ? AND event = 'messages.delete'").bind(inst.id).first());
    const reached = Date.now() - 120_000;
    await env.DB.prepare("UPDATE webhook_events SET received_at = ? WHERE instance_id = ? AND event = 'messages.delete'").bind(reached, inst.id).run();
    await send(inst, "messages.upsert", upsert({ id, from, ts: Math.floor(reached / 1000) - 60, message: { conversation: "apaga isso" } }));
    const deletedAt = await eventually(async () => (await messagesByExternal(inst.id, id))[0]?.deleted_at);
    expect(deletedAt).toBe(reached);
  });
});

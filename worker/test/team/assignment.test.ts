// Assignment (issue 17 §4): unit scoping, who may assign whom, Mine/Unassigned/All, the reply
// collision (409 until confirmed), the sender's name on the bubble and the AI agent's lock.
import { afterAll, describe, expect, it } from "vitest";
import { runReply } from "../../agents/reply";
import type { ConversationView, MessageView } from "../../shared/inbox";
import { createAgent, testEnv } from "../agents/fixtures";
import { api, eventually, jsonOf, seedInstance } from "../helpers";
import { installSimulator } from "../simulator-harness";
import { conversationOf, inbound, invite, openDashboard, unit } from "./fixtures";

// Sends go to the simulator (which knows none of these seeded instances: they fail, offline).
const { restore } = installSimulator();
afterAll(restore);

type List = { items: ConversationView[] };
const ids = async (res: Response) => (await jsonOf<List>(res)).items.map((c) => c.id);

async function twoUnits() {
  const instA = await seedInstance();
  const instB = await seedInstance();
  const a = await invite({ name: "Ana Lima" });
  const a2 = await invite({ name: "Caio Reis" });
  const b = await invite({ name: "Bruno Melo" });
  await unit({ instanceIds: [instA.id], memberIds: [a.id, a2.id] });
  await unit({ instanceIds: [instB.id], memberIds: [b.id] });
  return { instA, instB, a, a2, b, conv: await inbound(instA) };
}

const assign = (who: { call: typeof api } | null, convId: string, userId: string | null) =>
  (who ? who.call : api)(`/api/conversations/${convId}/assign`, { method: "POST", json: { user_id: userId } });

describe("assignment", () => {
  it("an agent of another unit gets 404 on the conversation and sees none of it in lists", async () => {
    const { a, b, conv } = await twoUnits();
    expect((await b.call(`/api/conversations/${conv.id}`)).status).toBe(404);
    expect((await b.call(`/api/conversations/${conv.id}/messages`)).status).toBe(404);
    expect((await assign(b, conv.id, b.id)).status).toBe(404);
    for (const view of ["all", "unassigned", "me"]) expect(await ids(await b.call(`/api/conversations?assigned=${view}`))).not.toContain(conv.id);
    expect(await ids(await a.call("/api/conversations?assigned=unassigned"))).toContain(conv.id);
  });

  it("agents take a conversation or drop their own; owners give it to anyone who can see it", async () => {
    const { a, a2, b, conv } = await twoUnits();
    expect(conv).toMatchObject({ assignee: null, assigned_at: null });

    const taken = await assign(a, conv.id, a.id);
    expect(taken.status).toBe(200);
    expect(await jsonOf<ConversationView>(taken)).toMatchObject({ assignee: { id: a.id, name: "Ana Lima" }, agent_paused: true });
    expect((await conversationOf(conv.id)).assigned_at).toEqual(expect.any(String));

    const toOther = await assign(a, conv.id, a2.id);
    expect(toOther.status).toBe(403);

    // b is not in the conversation's unit; a disabled person and a pending invite cannot work it either.
    const outside = await assign(null, conv.id, b.id);
    expect(outside.status).toBe(400);
    expect(await jsonOf(outside)).toMatchObject({ error: { code: "invalid_assignee", message: expect.stringContaining("not a member") } });
    const gone = await invite({ name: "Gil Dias" });
    await api(`/api/users/${gone.id}`, { method: "PATCH", json: { disabled: true } });
    expect(await jsonOf(await assign(null, conv.id, gone.id))).toMatchObject({ error: { code: "invalid_assignee", message: "Gil Dias is disabled" } });
    const pending = await jsonOf<{ id: string }>(
      await api("/api/users", { method: "POST", json: { email: `p${Date.now()}@parley.test`, name: "Pat", role: "admin" } }),
    );
    expect((await assign(null, conv.id, pending.id)).status).toBe(400);
    expect((await assign(null, conv.id, "usr_00000000000000000000")).status).toBe(400);

    // The owner (admin token) reassigns; the new assignee's open dashboard is told.
    const dash = await openDashboard(a2);
    const moved = await assign(null, conv.id, a2.id);
    expect(moved.status).toBe(200);
    expect((await jsonOf<ConversationView>(moved)).assignee).toEqual({ id: a2.id, name: "Caio Reis" });
    const note = await eventually(async () => dash.frames.find((f) => f.type === "notification" && f.kind === "assigned"));
    expect(note).toMatchObject({ conversation_id: conv.id, by: "Owner (admin token)" });
    dash.close();

    expect((await assign(a, conv.id, null)).status).toBe(403); // not theirs to drop
    const dropped = await assign(a2, conv.id, null);
    expect(dropped.status).toBe(200);
    expect(await jsonOf<ConversationView>(dropped)).toMatchObject({ assignee: null, assigned_at: null });

    const audit = await jsonOf<{ items: { action: string; target: { id: string }; details: unknown }[] }>(
      await api("/api/audit?action=conversation.assign&limit=200"),
    );
    const mine = audit.items.filter((r) => r.target.id === conv.id).map((r) => r.details);
    expect(mine).toEqual([
      { from: a2.id, to: null },
      { from: a.id, to: a2.id },
      { from: null, to: a.id },
    ]);
  });

  it("Mine / Unassigned / All; `me` with the admin token is empty", async () => {
    const { instA, a, a2, conv } = await twoUnits();
    const other = await inbound(instA);
    await assign(a, conv.id, a.id);
    await assign(a2, other.id, a2.id);
    const third = await inbound(instA);
    expect(await ids(await a.call("/api/conversations?assigned=me"))).toEqual([conv.id]);
    expect(await ids(await a2.call("/api/conversations?assigned=me"))).toEqual([other.id]);
    const unassigned = await ids(await a.call("/api/conversations?assigned=unassigned"));
    expect(unassigned).toContain(third.id);
    expect(unassigned).not.toContain(conv.id);
    expect(await ids(await a.call("/api/conversations"))).toEqual(expect.arrayContaining([conv.id, other.id, third.id]));
    expect(await jsonOf(await api("/api/conversations?assigned=me"))).toEqual({ items: [], next_cursor: null });
    expect((await api("/api/conversations?assigned=someone")).status).toBe(400);
  });

  it("a reply by someone else while assigned is a 409 until confirmed; every bubble names its sender", async () => {
    const { a, a2, conv } = await twoUnits();
    await assign(a, conv.id, a.id);
    const text = { type: "text", content: "Posso ajudar?" };

    const clash = await a2.call(`/api/conversations/${conv.id}/messages`, { method: "POST", json: text });
    expect(clash.status).toBe(409);
    expect(await jsonOf(clash)).toEqual({
      error: { code: "assigned_to_other", message: expect.stringContaining("Ana Lima"), details: { assignee: { id: a.id, name: "Ana Lima" } } },
    });
    expect((await api(`/api/conversations/${conv.id}/messages`, { method: "POST", json: text })).status).toBe(409);

    const confirmed = await a2.call(`/api/conversations/${conv.id}/messages`, { method: "POST", json: { ...text, confirm: true } });
    expect(confirmed.status).toBe(202);
    expect(await jsonOf<MessageView>(confirmed)).toMatchObject({ sender: "user", sender_name: "Caio Reis" });
    const own = await a.call(`/api/conversations/${conv.id}/messages`, { method: "POST", json: text });
    expect(own.status).toBe(202);
    const byToken = await api(`/api/conversations/${conv.id}/messages`, { method: "POST", json: { ...text, confirm: true } });
    expect(await jsonOf<MessageView>(byToken)).toMatchObject({ sender_name: "Owner (admin token)" });

    const thread = await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${conv.id}/messages`));
    expect(thread.items.map((m) => [m.sender, m.sender_name])).toEqual([
      ["contact", null],
      ["user", "Caio Reis"],
      ["user", "Ana Lima"],
      ["user", "Owner (admin token)"],
    ]);
  });

  it("assigning a person pauses the AI agent: its reply to the conversation is skipped", async () => {
    const inst = await seedInstance();
    const a = await invite({ name: "Duda Alves" });
    await unit({ instanceIds: [inst.id], memberIds: [a.id] });
    const conv = await inbound(inst);
    const agent = await createAgent(inst.id);
    expect(conv.agent_paused).toBe(false);
    expect((await jsonOf<ConversationView>(await assign(a, conv.id, a.id))).agent_paused).toBe(true);
    const [trigger] = (await jsonOf<{ items: MessageView[] }>(await api(`/api/conversations/${conv.id}/messages`))).items;
    const outcome = await runReply(testEnv().env, { conversationId: conv.id, messageId: trigger!.id, agentId: agent.id, enqueuedAt: 0 });
    expect(outcome).toEqual({ kind: "skipped", reason: "paused for a human" });
  });
});

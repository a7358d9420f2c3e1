// Acceptance 2 on the socket, and presence (issue 17 §6): an agent of unit A hears unit A's
// conversations, messages and who views or types in them; an agent of unit B hears none of it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PresenceEvent, ServerEvent } from "../../shared/ws-events";
import { api, seedInstance } from "../helpers";
import { messageByExternal, send, upsert } from "../inbox/fixtures";
import { createUnit, ORIGIN, openSocket, type Socket, signedInUser } from "./realtime.fixtures";

type Person = { id: string; cookie: string };
let instA: Awaited<ReturnType<typeof seedInstance>>;
let instB: Awaited<ReturnType<typeof seedInstance>>;
let ana: Person; // agent, unit A
let caio: Person; // agent, unit A
let bea: Person; // agent, unit B
let admin: Socket;
let anaWs: Socket;
let caioWs: Socket;
let beaWs: Socket;

const mentions = (s: Socket, ...ids: string[]) => s.frames.filter((f) => ids.some((id) => JSON.stringify(f).includes(id)));
const isChanged = (topic: string, pred: (f: Extract<ServerEvent, { type: "changed" }>) => boolean) => (f: ServerEvent) =>
  f.type === "changed" && f.topic === topic && pred(f);
const convOf = (f: { data?: unknown }) => (f.data as { conversation_id?: string } | undefined)?.conversation_id;

/** An inbound message on an instance; resolves to its message and conversation ids. */
async function inbound(inst: { id: string; name: string; secret: string }) {
  const body = upsert();
  expect((await send(inst, "messages.upsert", body)).status).toBe(200);
  const m = await messageByExternal(inst.id, body.key.id);
  return { messageId: m.id as string, conversationId: m.conversation_id as string };
}

beforeAll(async () => {
  instA = await seedInstance({ status: "open" });
  instB = await seedInstance({ status: "open" });
  // Units first: a unit change reconnects every agent's socket.
  const [unitA, unitB] = [await createUnit([instA.id]), await createUnit([instB.id])];
  ana = await signedInUser("Ana", "agent", [unitA]);
  caio = await signedInUser("Caio", "agent", [unitA]);
  bea = await signedInUser("Bea", "agent", [unitB]);
  admin = await openSocket("admin");
  anaWs = await openSocket(ana);
  caioWs = await openSocket(caio);
  beaWs = await openSocket(bea);
});

afterAll(() => {
  for (const s of [admin, anaWs, caioWs, beaWs]) if (!s.closed) s.ws.close(1000, "done");
});

describe("realtime frames are scoped to the agent's units", () => {
  it("a message on A's instance reaches A's agent and the admin, never B's agent (and the other way round)", async () => {
    const a = await inbound(instA);
    for (const s of [admin, anaWs]) {
      const msg = await s.next(isChanged("messages", (f) => f.id === a.messageId));
      expect(convOf(msg as { data?: unknown })).toBe(a.conversationId);
      await s.next(isChanged("conversations", (f) => f.id === a.conversationId));
    }
    const b = await inbound(instB);
    await admin.next(isChanged("messages", (f) => f.id === b.messageId));
    await beaWs.next(isChanged("messages", (f) => f.id === b.messageId));
    await beaWs.next(isChanged("conversations", (f) => f.id === b.conversationId));
    // The hub sent A's and B's frames to every socket before the admin got them: once each
    // agent's own ping is answered, nothing more of them is on its way.
    await Promise.all([beaWs.drained(), anaWs.drained()]);
    expect(mentions(beaWs, a.messageId, a.conversationId)).toEqual([]);
    expect(mentions(anaWs, b.messageId, b.conversationId)).toEqual([]);
    // Frames without a scope (contacts here) still reach everyone.
    expect(beaWs.frames.some((f) => f.type === "changed" && f.topic === "contacts")).toBe(true);
  });

  it("a private note on A's conversation reaches A's agents and the admin, never B's agent", async () => {
    const { conversationId } = await inbound(instA);
    const res = await api(`/api/conversations/${conversationId}/notes`, { method: "POST", json: { text: "VIP, answer before noon" } });
    expect(res.status).toBe(201);
    const noteId = ((await res.json()) as { id: string }).id;
    for (const s of [admin, anaWs, caioWs])
      expect(convOf((await s.next(isChanged("notes", (f) => f.id === noteId))) as { data?: unknown })).toBe(conversationId);
    await beaWs.drained();
    expect(mentions(beaWs, noteId, conversationId)).toEqual([]);
  });

  it("an instance's change reaches its unit's agents and the admin only", async () => {
    const from = anaWs.frames.length;
    const res = await send(instA, "connection.update", { instance: instA.name, state: "connecting", statusReason: 200 });
    expect(res.status).toBe(200);
    await admin.next(isChanged("instances", (f) => f.id === instA.id));
    await anaWs.next(
      isChanged("instances", (f) => f.id === instA.id),
      from,
    );
    await beaWs.drained();
    expect(mentions(beaWs, instA.id)).toEqual([]);
  });
});

describe("presence", () => {
  const entry = (f: PresenceEvent, id: string | null) => f.people.find((p) => p.user_id === id);

  it("shows a colleague and the admin what Ana views and types; B's agent sees her online only, until typing lapses", async () => {
    const { conversationId } = await inbound(instA);
    const [fromCaio, fromAdmin] = [caioWs.frames.length, admin.frames.length];
    anaWs.send({ type: "presence", conversation_id: conversationId, typing: true });
    const seen = await caioWs.presence(ana.id, (p) => p?.viewing === conversationId && p.typing, fromCaio);
    expect(entry(seen, ana.id)).toEqual({ user_id: ana.id, name: "Ana", viewing: conversationId, typing: true });
    expect(entry(seen, null)).toEqual({ user_id: null, name: "Owner", viewing: null, typing: false });
    expect(seen.you).toBe(caio.id);
    await admin.presence(ana.id, (p) => p?.viewing === conversationId && p.typing, fromAdmin);
    await beaWs.drained();
    const last = beaWs.frames.filter((f): f is PresenceEvent => f.type === "presence").at(-1)!;
    expect(entry(last, ana.id)).toEqual({ user_id: ana.id, name: "Ana", viewing: null, typing: false });
    expect(mentions(beaWs, conversationId)).toEqual([]);
    // No typing frame follows: the indicator lapses by itself (the hub's alarm), the viewing stays.
    await caioWs.presence(ana.id, (p) => p?.viewing === conversationId && !p.typing, fromCaio, 15_000);
  });

  it("an agent cannot claim to view another unit's conversation", async () => {
    const a = await inbound(instA);
    const b = await inbound(instB);
    const from = admin.frames.length;
    beaWs.send({ type: "presence", conversation_id: b.conversationId });
    await admin.presence(bea.id, (p) => p?.viewing === b.conversationId, from);
    const next = admin.frames.length;
    beaWs.send({ type: "presence", conversation_id: a.conversationId, typing: true });
    const after = await admin.presence(bea.id, (p) => p?.viewing !== b.conversationId, next);
    expect(entry(after, bea.id)).toEqual({ user_id: bea.id, name: "Bea", viewing: null, typing: false });
    await anaWs.drained();
    expect(mentions(anaWs, b.conversationId)).toEqual([]);
  });

  it("a closed socket leaves the list, and signing out closes that session's socket", async () => {
    let from = admin.frames.length;
    caioWs.ws.close(1000, "tab closed");
    await admin.presence(caio.id, (p) => p === undefined, from);

    from = admin.frames.length;
    const out = await api("/api/session", { auth: false, method: "DELETE", headers: { cookie: ana.cookie, origin: ORIGIN } });
    expect(out.status).toBe(200);
    const gone = await admin.presence(ana.id, (p) => p === undefined, from);
    expect(gone.people.map((p) => p.name)).toContain("Bea");
    await admin.next(() => anaWs.closed !== null);
    expect(anaWs.closed?.code).toBe(4001);
    const again = await api("/api/realtime", { auth: false, headers: { Upgrade: "websocket", cookie: ana.cookie, origin: ORIGIN } });
    expect(again.status).toBe(401);
  });
});

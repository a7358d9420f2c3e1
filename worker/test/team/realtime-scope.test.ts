// The hub's scoping and presence rules as functions: which instance a frame concerns, and how
// several tabs of one person and a recipient's units shape the presence frame.
import { describe, expect, it } from "vitest";
import { peopleOnline, presenceFrames, type SocketState, TYPING_TTL_MS, visiblePeople } from "../../platform/realtime/presence";
import { audienceOf, hears } from "../../platform/realtime/scope";

describe("audienceOf", () => {
  it("places conversation, message, note and instance frames; everything else and id-less nudges go to everyone", () => {
    expect(audienceOf({ type: "changed", topic: "conversations", id: "cv1" })).toEqual({ conversation: "cv1" });
    expect(audienceOf({ type: "changed", topic: "messages", id: "m1", data: { conversation_id: "cv1" } })).toEqual({ conversation: "cv1" });
    expect(audienceOf({ type: "changed", topic: "notes", id: "n1", data: { conversation_id: "cv2" } })).toEqual({ conversation: "cv2" });
    expect(audienceOf({ type: "changed", topic: "instances", id: "ins1", data: { status: "open" } })).toEqual({ instance: "ins1" });
    expect(audienceOf({ type: "changed", topic: "conversations" })).toEqual({ all: true });
    expect(audienceOf({ type: "changed", topic: "contacts", id: "ct1" })).toEqual({ all: true });
    expect(audienceOf({ type: "changed", topic: "units", id: "u1" })).toEqual({ all: true });
  });

  it("a message or note id without its conversation is kept from scoped sockets", () => {
    const a = audienceOf({ type: "changed", topic: "messages", id: "m1" });
    expect(a).toEqual({ instance: null });
    expect(hears(["ins1"], null)).toBe(false);
    expect(hears(null, null)).toBe(true);
    expect(hears(["ins1"], undefined)).toBe(true);
    expect(hears(["ins1"], "ins2")).toBe(false);
  });
});

describe("presence frames", () => {
  const owner = (userId: string | null, name: string, instanceIds: string[] | null): SocketState => ({
    userId,
    sessionId: null,
    role: userId ? "agent" : "owner",
    name,
    instanceIds,
  });
  const now = 1_000_000;

  it("one entry per person: the tab that opened a conversation last wins; typing lapses after the TTL", () => {
    const tabs: SocketState[] = [
      { ...owner("u1", "Ana", ["insA"]), presence: { viewing: "cv1", instance: "insA", typingUntil: now + TYPING_TTL_MS, at: now - 10 } },
      { ...owner("u1", "Ana", ["insA"]), presence: { viewing: "cv2", instance: "insA", typingUntil: 0, at: now - 20 } },
      { ...owner("u1", "Ana", ["insA"]), presence: { viewing: null, instance: null, typingUntil: 0, at: now } },
      owner(null, "Owner", null),
      owner(null, "Owner", null),
    ];
    expect(visiblePeople(peopleOnline(tabs, now), null)).toEqual([
      { user_id: "u1", name: "Ana", viewing: "cv1", typing: true },
      { user_id: null, name: "Owner", viewing: null, typing: false },
    ]);
    expect(visiblePeople(peopleOnline(tabs, now + TYPING_TTL_MS), null)[0]).toEqual({ user_id: "u1", name: "Ana", viewing: "cv1", typing: false });
  });

  it("a recipient sees viewing and typing only on their instances' conversations", () => {
    const people = peopleOnline(
      [
        { ...owner("u1", "Ana", null), presence: { viewing: "cv1", instance: "insA", typingUntil: now + 1, at: now } },
        { ...owner("u2", "Bea", null), presence: { viewing: "cv9", instance: null, typingUntil: now + 1, at: now } },
      ],
      now,
    );
    expect(visiblePeople(people, ["insB"])).toEqual([
      { user_id: "u1", name: "Ana", viewing: null, typing: false },
      { user_id: "u2", name: "Bea", viewing: null, typing: false },
    ]);
    expect(visiblePeople(people, ["insA"])[0]).toEqual({ user_id: "u1", name: "Ana", viewing: "cv1", typing: true });
    // A conversation whose instance was deleted is shown to admins only.
    expect(visiblePeople(people, ["insA"])[1]).toEqual({ user_id: "u2", name: "Bea", viewing: null, typing: false });
    expect(visiblePeople(people, null)[1]).toEqual({ user_id: "u2", name: "Bea", viewing: "cv9", typing: true });
  });

  it("each socket's frame names its recipient and carries the list its scope may see", () => {
    const states: SocketState[] = [
      { ...owner("u1", "Ana", ["insA"]), presence: { viewing: "cv1", instance: "insA", typingUntil: 0, at: now } },
      owner("u2", "Bea", ["insB"]),
      owner(null, "Owner", null),
    ];
    const [ana, bea, admin] = presenceFrames(states, now).map((f) => JSON.parse(f));
    expect(ana).toEqual({ type: "presence", you: "u1", people: expect.arrayContaining([{ user_id: "u1", name: "Ana", viewing: "cv1", typing: false }]) });
    expect(bea.you).toBe("u2");
    expect(bea.people).toContainEqual({ user_id: "u1", name: "Ana", viewing: null, typing: false });
    expect(admin.you).toBeNull();
    expect(admin.people).toHaveLength(3);
    expect(admin.people).toContainEqual({ user_id: "u1", name: "Ana", viewing: "cv1", typing: false });
  });
});

// Presence: who has a dashboard open, and which conversation each person views or types in.
// The state of a socket lives in its attachment (it survives hibernation); the `presence` frame
// is built from every open socket when something visible changes, per recipient: an agent
// hears what others view only on conversations of their own instances.
import type { PresencePerson as Person } from "../../shared/ws-events";
import { hears } from "./scope";

/** Who holds a socket: set by the /api/realtime route (never by the client), kept on the socket. */
export type SocketOwner = { userId: string | null; sessionId: string | null; role: string; name: string; instanceIds: string[] | null };

/** What a socket's person is doing: `instance` is the viewed conversation's (null: none or unknown). */
export type Presence = { viewing: string | null; instance: string | null; typingUntil: number; at: number };
export type SocketState = SocketOwner & { presence?: Presence };

/** A typing indicator lasts this long after the last `typing: true` frame. */
export const TYPING_TTL_MS = 6000;

type Entry = { person: Person; instance: string | null; at: number };

const typingOf = (p: Presence | undefined, now: number) => !!p?.viewing && p.typingUntil > now;

/** What others see of a socket's state: changes of it (and only those) are announced. */
export const visibleKey = (p: Presence | undefined, now: number) => `${p?.viewing ?? ""}|${typingOf(p, now)}`;

/** The state after a client's `presence` frame (its conversation already checked and placed). */
export function nextPresence(viewing: string | null, instance: string | null, typing: boolean, now: number): Presence {
  return { viewing, instance: viewing ? instance : null, typingUntil: viewing && typing ? now + TYPING_TTL_MS : 0, at: now };
}

/**
 * One entry per person (the admin token's sockets are one "Owner"): several tabs show the
 * conversation most recently opened in any of them.
 */
export function peopleOnline(states: SocketState[], now: number): Entry[] {
  const byKey = new Map<string, Entry>();
  for (const s of states) {
    const key = s.userId ?? "";
    let e = byKey.get(key);
    if (!e) {
      e = { person: { user_id: s.userId, name: s.userId ? s.name : "Owner", viewing: null, typing: false }, instance: null, at: -1 };
      byKey.set(key, e);
    }
    const p = s.presence;
    if (p?.viewing && p.at > e.at) {
      e.at = p.at;
      e.person = { ...e.person, viewing: p.viewing, typing: typingOf(p, now) };
      e.instance = p.instance;
    }
  }
  return [...byKey.values()].sort((a, b) => a.person.name.localeCompare(b.person.name));
}

/** The list as a recipient who works `instanceIds` (null: every instance) may see it. */
export function visiblePeople(people: Entry[], instanceIds: string[] | null): Person[] {
  return people.map(({ person, instance }) =>
    person.viewing && (instanceIds === null || (instance !== null && hears(instanceIds, instance))) ? person : { ...person, viewing: null, typing: false },
  );
}

/**
 * The `presence` frame for every socket: the list is serialized once per distinct scope, the
 * frame once per socket (it names its recipient).
 */
export function presenceFrames(states: SocketState[], now: number): string[] {
  const people = peopleOnline(states, now);
  const lists = new Map<string, string>();
  return states.map((s) => {
    const key = s.instanceIds?.join(",") ?? "*";
    let list = lists.get(key);
    if (list === undefined) lists.set(key, (list = JSON.stringify(visiblePeople(people, s.instanceIds))));
    return `{"type":"presence","you":${JSON.stringify(s.userId)},"people":${list}}`;
  });
}

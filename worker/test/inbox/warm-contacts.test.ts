import { env } from "cloudflare:workers";
import { afterAll, describe, expect, it } from "vitest";
import { insertContact } from "../../contacts/contacts.queries";
import { insertConversationStmt } from "../../inbox/conversations.queries";
import { InstanceInbox } from "../../inbox/instance-inbox";
import type { IngestResult } from "../../instances/delivery";
import { getDb } from "../../platform/db/client";
import { newId } from "../../platform/lib/ids";
import { seedInstance } from "../helpers";
import { installSimulator } from "../simulator-harness";
import { contactByNumber, type Inst, messageByExternal, phone, send, upsert } from "./fixtures";

const { restore } = installSimulator();
afterAll(restore);

/** The Worker's env with a D1 binding that notes every statement it prepares. */
function countingEnv() {
  const statements: string[] = [];
  const DB = new Proxy(env.DB, {
    get(target, key) {
      if (key === "prepare")
        return (query: string) => {
          statements.push(query);
          return target.prepare(query);
        };
      const value = Reflect.get(target, key) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { env: new Proxy(env, { get: (target, key) => (key === "DB" ? DB : Reflect.get(target, key)) }), statements };
}

/** A fresh inbox, as a new (or evicted and restarted) WaInstance object builds it; its deliveries are already in D1. */
function newInbox(inst: Inst, e: Env) {
  return new InstanceInbox(e, async () => ({ id: inst.id, name: inst.name }), { plan: async () => null, prepare: async (ds) => ds });
}

/** WaInstance's serial chain: one drain at a time. */
let chain: Promise<unknown> = Promise.resolve();
const serial = (fn: () => Promise<void>) => {
  const run = chain.then(fn);
  chain = run.catch(() => undefined);
  return run;
};

const deliver = (inbox: InstanceInbox, data: unknown): Promise<IngestResult> =>
  inbox.submit({ eventId: newId("webhookEvent"), event: "messages.upsert", data, at: Date.now() }, serial);

const CONTACT_LOOKUP = /from "contacts" where "contacts"\."whatsapp_number" = \?/;

describe("a new instance object", () => {
  it("learns the senders of its recent conversations in one query, not one lookup per sender", async () => {
    const inst = await seedInstance({ status: "open" });
    const senders = [phone(), phone(), phone()];
    for (const from of senders) {
      const first = upsert({ from });
      await send(inst, "messages.upsert", first);
      await messageByExternal(inst.id, first.key.id);
    }
    const { env: e, statements } = countingEnv();
    const inbox = newInbox(inst, e);
    const next = senders.map((from) => upsert({ from, message: { conversation: "again" } }));
    expect(await Promise.all(next.map((d) => deliver(inbox, d)))).toEqual(["processed", "processed", "processed"]);

    expect(statements.filter((q) => CONTACT_LOOKUP.test(q))).toEqual([]);
    expect(statements.filter((q) => q.includes('inner join "contacts"'))).toHaveLength(1);
    for (const [i, from] of senders.entries()) {
      const m = await messageByExternal(inst.id, next[i]!.key.id);
      const contact = await contactByNumber(`+${from}`);
      const conv = await env.DB.prepare("SELECT contact_id, unread_count FROM conversations WHERE id = ?")
        .bind(m.conversation_id)
        .first<{ contact_id: string; unread_count: number }>();
      expect(conv).toEqual({ contact_id: contact!.id, unread_count: 2 });
    }
  });

  it("uses a learned contact only for digits that normalise to its stored number", async () => {
    const inst = await seedInstance({ status: "open" });
    const db = getDb(env.DB);
    // Stored as written (e.g. by an older import): the JID's digits are these, but the sender's
    // number is the normalised one (+54 9 11 …), which is whom the message is from.
    const raw = await insertContact(
      db,
      { id: newId("contact"), name: "Raw", whatsappNumber: "+54111512345678", country: null, tags: [], llmContext: {} },
      Date.now(),
    );
    await insertConversationStmt(db, { id: newId("conversation"), instanceId: inst.id, instanceName: inst.name, contactId: raw.id, contactName: raw.name });
    const { env: e, statements } = countingEnv();
    const item = upsert({ from: "54111512345678", pushName: "Normalised" });
    expect(await deliver(newInbox(inst, e), item)).toBe("processed");

    const m = await messageByExternal(inst.id, item.key.id);
    const normalised = await contactByNumber("+5491112345678");
    expect(normalised).toMatchObject({ name: "Normalised" });
    const conv = await env.DB.prepare("SELECT contact_id FROM conversations WHERE id = ?").bind(m.conversation_id).first<{ contact_id: string }>();
    expect(conv?.contact_id).toBe(normalised!.id);
    expect(statements.some((q) => CONTACT_LOOKUP.test(q))).toBe(true);
  });
});
